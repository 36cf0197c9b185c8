"""appealModerationAction: the member acted on appeals once to a hub admin."""

import strawberry

from app.moderation import appeals
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationActionPayload, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class AppealModerationActionInput:
    action_id: strawberry.ID
    note: str


@errors_as_data(ModerationError, E, ModerationActionPayload)
async def appeal_moderation_action(
    input: AppealModerationActionInput, info: Info
) -> ModerationActionPayload:
    """ALREADY_APPEALED: once per action. A hub admin records a suspended member's appeal
    (sent by email) in their name."""
    action = await appeals.appeal(
        actor=info.context.require_actor(),
        action_id=required_id(input.action_id, "ModerationAction", "actionId"),
        note=input.note,
    )
    return ModerationActionPayload(action=action)  # type: ignore[arg-type]
