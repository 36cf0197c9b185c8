"""applyToTrial: apply to test a recruiting trial you qualify for."""

import strawberry

from app.trials import applications
from app.trials.errors import TrialErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.trials.mutations.payloads import TrialApplicationPayload, trial_id
from schema.trials.types import TrialError


@strawberry.input
class ApplyToTrialInput:
    trial_id: strawberry.ID
    note: str = ""


@errors_as_data(TrialError, E, TrialApplicationPayload)
async def apply_to_trial(input: ApplyToTrialInput, info: Info) -> TrialApplicationPayload:
    """Applies; on a first-come trial a free place makes you a tester at once."""
    made = await applications.apply(
        actor=info.context.require_actor(), trial_id=trial_id(input.trial_id), note=input.note
    )
    return TrialApplicationPayload(application=made)  # type: ignore[arg-type]
