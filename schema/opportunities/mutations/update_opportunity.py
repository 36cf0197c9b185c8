"""updateOpportunity: change the given fields, within what the opportunity's state allows."""

import strawberry

from app.opportunities import service
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import OpportunityFieldsInput, to_fields
from schema.opportunities.mutations.payloads import OpportunityPayload, opportunity_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class UpdateOpportunityInput:
    opportunity_id: strawberry.ID
    fields: OpportunityFieldsInput


@errors_as_data(OpportunityError, OpportunityErrorCode, OpportunityPayload)
async def update_opportunity(input: UpdateOpportunityInput, info: Info) -> OpportunityPayload:
    """Drafts change freely; once published, places never drop below those accepted, and what
    accepted people signed up for (time, place, checks, age) stays fixed."""
    opportunity = await service.update_opportunity(
        actor=info.context.require_actor(),
        opportunity_id=opportunity_id(input.opportunity_id),
        fields=to_fields(input.fields),
    )
    return OpportunityPayload(opportunity=opportunity)  # type: ignore[arg-type]
