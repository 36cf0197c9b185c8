"""renewOpportunity: keep a listing up for longer (an expired one is published again)."""

import strawberry

from app.opportunities import service
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import OpportunityPayload, opportunity_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class RenewOpportunityInput:
    opportunity_id: strawberry.ID
    days: int = strawberry.field(default=30, description="1 to 90 days more.")


@errors_as_data(OpportunityError, OpportunityErrorCode, OpportunityPayload)
async def renew_opportunity(input: RenewOpportunityInput, info: Info) -> OpportunityPayload:
    """Extends the expiry date; posters are reminded before it comes."""
    opportunity = await service.renew_opportunity(
        actor=info.context.require_actor(),
        opportunity_id=opportunity_id(input.opportunity_id),
        days=input.days,
    )
    return OpportunityPayload(opportunity=opportunity)  # type: ignore[arg-type]
