"""pledgeInKind: hours of volunteering (with a skill) or an item for a project."""

import strawberry

from app.campaigns import funding
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import InKindPledgePayload, campaign_id
from schema.campaigns.types import CampaignError, InKindKind
from schema.context import Info
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class PledgeInKindInput:
    campaign_id: strawberry.ID
    kind: InKindKind  # type: ignore[valid-type]
    minutes: int = strawberry.field(default=0, description="Hours: 15 minutes to 1000 hours.")
    skill_id: strawberry.ID | None = None
    asset_id: strawberry.ID | None = strawberry.field(
        default=None, description="Items: one of your shared assets."
    )
    description: str = ""
    value: int | None = strawberry.field(default=None, description="Items: credits it is worth.")
    anonymous: bool = False


@errors_as_data(CampaignError, E, InKindPledgePayload)
async def pledge_in_kind(input: PledgeInKindInput, info: Info) -> InKindPledgePayload:
    """Hours are valued at the hub's credits per hour; at success they become accepted places."""
    skill = input.skill_id
    asset = input.asset_id
    row = await funding.pledge_in_kind(
        actor=info.context.require_actor(),
        campaign_id=campaign_id(input.campaign_id),
        given=funding.InKindInput(
            kind=input.kind,
            minutes=input.minutes,
            skill_id=decode_id(skill, "Skill", field="skillId", invalid=E.INVALID)
            if skill
            else None,
            asset_id=decode_id(asset, "Asset", field="assetId", invalid=E.INVALID)
            if asset
            else None,
            description=input.description,
            value=input.value,
            anonymous=input.anonymous,
        ),
    )
    return InKindPledgePayload(in_kind_pledge=row)  # type: ignore[arg-type]
