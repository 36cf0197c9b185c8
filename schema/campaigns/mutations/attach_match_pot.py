"""attachMatchPot: an organisation matches a campaign's pledges."""

import strawberry

from app.campaigns import funding
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import MatchPotPayload, campaign_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class AttachMatchPotInput:
    campaign_id: strawberry.ID
    funder_id: strawberry.ID = strawberry.field(description="The organisation that matches.")
    total_cap: int = strawberry.field(description="At most the funder's available credits.")
    ratio_num: int = strawberry.field(default=1, description="Credits matched ...")
    ratio_den: int = strawberry.field(default=1, description="... for every this many pledged.")
    cap_per_backer: int | None = None
    areas: list[str] = strawberry.field(
        default_factory=list, description="H3 cells: only backers living in one are matched."
    )


@errors_as_data(CampaignError, E, MatchPotPayload)
async def attach_match_pot(input: AttachMatchPotInput, info: Info) -> MatchPotPayload:
    """Matches are held from the funder as pledges arrive (those made already too)."""
    pot = await funding.attach_match_pot(
        actor=info.context.require_actor(),
        campaign_id=campaign_id(input.campaign_id),
        given=funding.PotInput(
            funder_id=decode_id(
                input.funder_id, "Organisation", field="funderId", invalid=E.INVALID
            ),
            total_cap=input.total_cap,
            ratio_num=input.ratio_num,
            ratio_den=input.ratio_den,
            cap_per_backer=input.cap_per_backer,
            areas=tuple(input.areas),
        ),
    )
    return MatchPotPayload(match_pot=pot)  # type: ignore[arg-type]
