"""decideAppeal: a hub admin upholds or overturns an appealed action."""

import strawberry

from app.moderation import appeals
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationActionPayload, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class DecideAppealInput:
    action_id: strawberry.ID
    overturn: bool = strawberry.field(description="True undoes the action; false upholds it.")
    note: str


@errors_as_data(ModerationError, E, ModerationActionPayload)
async def decide_appeal(input: DecideAppealInput, info: Info) -> ModerationActionPayload:
    """The appellant is told. ALREADY_DECIDED; NOT_APPEALABLE: no appeal waits."""
    action = await appeals.decide(
        actor=info.context.require_actor(),
        action_id=required_id(input.action_id, "ModerationAction", "actionId"),
        overturn=input.overturn,
        note=input.note,
    )
    return ModerationActionPayload(action=action)  # type: ignore[arg-type]
