"""closeOpportunity: Stops taking applications: the work is done or no longer needed."""

import strawberry

from app.opportunities import service
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import OpportunityPayload, opportunity_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class CloseOpportunityInput:
    opportunity_id: strawberry.ID


@errors_as_data(OpportunityError, OpportunityErrorCode, OpportunityPayload)
async def close_opportunity(input: CloseOpportunityInput, info: Info) -> OpportunityPayload:
    """Stops taking applications: the work is done or no longer needed."""
    opportunity = await service.close_opportunity(
        actor=info.context.require_actor(), opportunity_id=opportunity_id(input.opportunity_id)
    )
    return OpportunityPayload(opportunity=opportunity)  # type: ignore[arg-type]
