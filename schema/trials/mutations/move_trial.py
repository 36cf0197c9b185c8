"""moveTrial: draft to recruiting, recruiting to testing, either to closed."""

import strawberry

from app.trials import service
from app.trials.errors import TrialErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.trials.mutations.payloads import TrialPayload, trial_id
from schema.trials.types import TrialError, TrialStatus


@strawberry.input
class MoveTrialInput:
    trial_id: strawberry.ID
    to: TrialStatus  # type: ignore[valid-type]


@errors_as_data(TrialError, E, TrialPayload)
async def move_trial(input: MoveTrialInput, info: Info) -> TrialPayload:
    """Moves the trial on (its business's owners and admins); closing releases unused rewards."""
    trial = await service.move_trial(
        actor=info.context.require_actor(),
        trial_id=trial_id(input.trial_id),
        to=input.to,
    )
    return TrialPayload(trial=trial)  # type: ignore[arg-type]
