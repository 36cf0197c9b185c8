"""pledgeToCampaign: back a campaign; the credits are held at once."""

import strawberry

from app.campaigns import pledges
from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.mutations.payloads import PledgePayload, campaign_id, organisation_id
from schema.campaigns.types import CampaignError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class PledgeToCampaignInput:
    campaign_id: strawberry.ID
    amount: int | None = strawberry.field(default=None, description="Projects: credits.")
    units: int | None = strawberry.field(default=None, description="Group buys: units.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Pledge from this organisation's account (its owner or admin)."
    )
    anonymous: bool = strawberry.field(
        default=False, description="Hide who you are from the campaign's backers list."
    )
    idempotency_key: str = strawberry.field(description="A retry with it never holds twice.")


@errors_as_data(CampaignError, E, PledgePayload)
async def pledge_to_campaign(input: PledgeToCampaignInput, info: Info) -> PledgePayload:
    """Holds the credits (units times the unit price for a group buy) until the campaign settles."""
    pledge = await pledges.pledge(
        actor=info.context.require_actor(),
        campaign_id=campaign_id(input.campaign_id),
        given=pledges.Amount(amount=input.amount, units=input.units),
        organisation_id=organisation_id(input.organisation_id, "organisationId"),
        anonymous=input.anonymous,
        idempotency_key=input.idempotency_key,
    )
    return PledgePayload(pledge=pledge)  # type: ignore[arg-type]
