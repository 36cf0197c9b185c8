"""createOpportunity: post an offer or a request of help, as a draft or published at once."""

import strawberry

from app.opportunities import service
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import NewOpportunityFieldsInput, to_fields
from schema.opportunities.mutations.payloads import OpportunityPayload
from schema.opportunities.types import OpportunityError


@strawberry.input
class CreateOpportunityInput:
    fields: NewOpportunityFieldsInput
    publish: bool = strawberry.field(default=False, description="Publish at once.")


@errors_as_data(OpportunityError, OpportunityErrorCode, OpportunityPayload)
async def create_opportunity(input: CreateOpportunityInput, info: Info) -> OpportunityPayload:
    """Posts an opportunity (as yourself, or for an organisation you belong to)."""
    opportunity = await service.create_opportunity(
        actor=info.context.require_actor(), fields=to_fields(input.fields), publish=input.publish
    )
    return OpportunityPayload(opportunity=opportunity)  # type: ignore[arg-type]
