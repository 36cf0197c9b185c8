"""suspendMember: a moderator suspends a member until a date or indefinitely."""

from datetime import datetime

import strawberry

from app.moderation import actions
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationActionPayload, db_id, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class SuspendMemberInput:
    member_id: strawberry.ID
    reason: str
    ends_at: datetime | None = strawberry.field(
        default=None, description="When it ends; null: until reinstated."
    )
    case_id: strawberry.ID | None = None


@errors_as_data(ModerationError, E, ModerationActionPayload)
async def suspend_member(input: SuspendMemberInput, info: Info) -> ModerationActionPayload:
    """Their sessions end, open applications are withdrawn, listings paused and public content
    hidden. PROTECTED_MEMBER: a hub admin, yourself, or (for a moderator) another moderator;
    ALREADY_SUSPENDED."""
    action = await actions.suspend(
        actor=info.context.require_actor(),
        member_id=required_id(input.member_id, "Member", "memberId"),
        reason=input.reason,
        ends_at=input.ends_at,
        case_id=db_id(input.case_id, "ModerationCase", "caseId"),
    )
    return ModerationActionPayload(action=action)  # type: ignore[arg-type]
