"""applyToOpportunity: ask to take part (with auto-accept: a place, or the waitlist)."""

import strawberry

from app.opportunities import applications
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import ApplicationPayload, opportunity_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class ApplyToOpportunityInput:
    opportunity_id: strawberry.ID
    message: str = ""


@errors_as_data(OpportunityError, OpportunityErrorCode, ApplicationPayload)
async def apply_to_opportunity(input: ApplyToOpportunityInput, info: Info) -> ApplicationPayload:
    """Applies once; required trust checks and minimum age are enforced."""
    application = await applications.apply(
        actor=info.context.require_actor(),
        opportunity_id=opportunity_id(input.opportunity_id),
        message=input.message,
    )
    return ApplicationPayload(application=application)  # type: ignore[arg-type]
