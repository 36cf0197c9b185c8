"""hideReportedObject: a moderator hides a case's object."""

import strawberry

from app.moderation import actions
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationActionPayload, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class HideReportedObjectInput:
    case_id: strawberry.ID
    reason: str = strawberry.field(description="What the member responsible reads.")


@errors_as_data(ModerationError, E, ModerationActionPayload)
async def hide_reported_object(
    input: HideReportedObjectInput, info: Info
) -> ModerationActionPayload:
    """Hidden from everyone but its owner side and moderators; its member is told why."""
    action = await actions.hide(
        actor=info.context.require_actor(),
        case_id=required_id(input.case_id, "ModerationCase", "caseId"),
        reason=input.reason,
    )
    return ModerationActionPayload(action=action)  # type: ignore[arg-type]
