"""waitlistApplication: The poster's side keeps a pending applicant in reserve."""

import strawberry

from app.opportunities import applications
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import ApplicationPayload, application_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class WaitlistApplicationInput:
    application_id: strawberry.ID


@errors_as_data(OpportunityError, OpportunityErrorCode, ApplicationPayload)
async def waitlist_application(input: WaitlistApplicationInput, info: Info) -> ApplicationPayload:
    """The poster's side keeps a pending applicant in reserve."""
    application = await applications.waitlist(
        actor=info.context.require_actor(), application_id=application_id(input.application_id)
    )
    return ApplicationPayload(application=application)  # type: ignore[arg-type]
