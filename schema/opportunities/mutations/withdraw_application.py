"""withdrawApplication: The applicant withdraws (a freed place may go to the waitlist)."""

import strawberry

from app.opportunities import applications
from app.opportunities.errors import OpportunityErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.mutations.payloads import ApplicationPayload, application_id
from schema.opportunities.types import OpportunityError


@strawberry.input
class WithdrawApplicationInput:
    application_id: strawberry.ID


@errors_as_data(OpportunityError, OpportunityErrorCode, ApplicationPayload)
async def withdraw_application(input: WithdrawApplicationInput, info: Info) -> ApplicationPayload:
    """The applicant withdraws (a freed place may go to the waitlist)."""
    application = await applications.withdraw(
        actor=info.context.require_actor(), application_id=application_id(input.application_id)
    )
    return ApplicationPayload(application=application)  # type: ignore[arg-type]
