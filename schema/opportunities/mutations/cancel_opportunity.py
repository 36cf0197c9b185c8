"""cancelOpportunity: Calls the opportunity off; applicants are told."""

import strawberry

from app.opportunities import service
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import OpportunityPayload, opportunity_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class CancelOpportunityInput:
    opportunity_id: strawberry.ID


@errors_as_data(OpportunityError, OpportunityErrorCode, OpportunityPayload)
async def cancel_opportunity(input: CancelOpportunityInput, info: Info) -> OpportunityPayload:
    """Calls the opportunity off; applicants are told."""
    opportunity = await service.cancel_opportunity(
        actor=info.context.require_actor(), opportunity_id=opportunity_id(input.opportunity_id)
    )
    return OpportunityPayload(opportunity=opportunity)  # type: ignore[arg-type]
