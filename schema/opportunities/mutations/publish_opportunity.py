"""publishOpportunity: Makes a draft visible and open to applications."""

import strawberry

from app.opportunities import service
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import OpportunityPayload, opportunity_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class PublishOpportunityInput:
    opportunity_id: strawberry.ID


@errors_as_data(OpportunityError, OpportunityErrorCode, OpportunityPayload)
async def publish_opportunity(input: PublishOpportunityInput, info: Info) -> OpportunityPayload:
    """Makes a draft visible and open to applications."""
    opportunity = await service.publish_opportunity(
        actor=info.context.require_actor(), opportunity_id=opportunity_id(input.opportunity_id)
    )
    return OpportunityPayload(opportunity=opportunity)  # type: ignore[arg-type]
