"""selectTester and declineTrialApplicant: the business decides on an applicant."""

import strawberry

from app.trials import applications
from app.trials.errors import TrialErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.trials.mutations.payloads import TrialApplicationPayload, application_id
from schema.trials.types import TrialError


@strawberry.input
class TrialApplicantInput:
    trial_application_id: strawberry.ID


@errors_as_data(TrialError, E, TrialApplicationPayload)
async def select_tester(input: TrialApplicantInput, info: Info) -> TrialApplicationPayload:
    """Makes the applicant a tester (a free place; their reward held from the business)."""
    found = await applications.select_tester(
        actor=info.context.require_actor(),
        application_id=application_id(input.trial_application_id),
    )
    return TrialApplicationPayload(application=found)  # type: ignore[arg-type]


@errors_as_data(TrialError, E, TrialApplicationPayload)
async def decline_trial_applicant(
    input: TrialApplicantInput, info: Info
) -> TrialApplicationPayload:
    """Turns the applicant down."""
    found = await applications.decline_applicant(
        actor=info.context.require_actor(),
        application_id=application_id(input.trial_application_id),
    )
    return TrialApplicationPayload(application=found)  # type: ignore[arg-type]
