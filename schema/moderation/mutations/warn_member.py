"""warnMember: a moderator warns a member (about a case, or not)."""

import strawberry

from app.moderation import actions
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationActionPayload, db_id, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class WarnMemberInput:
    member_id: strawberry.ID
    reason: str
    case_id: strawberry.ID | None = None


@errors_as_data(ModerationError, E, ModerationActionPayload)
async def warn_member(input: WarnMemberInput, info: Info) -> ModerationActionPayload:
    """PROTECTED_MEMBER: a hub admin, yourself, or (for a moderator) another moderator."""
    action = await actions.warn(
        actor=info.context.require_actor(),
        member_id=required_id(input.member_id, "Member", "memberId"),
        reason=input.reason,
        case_id=db_id(input.case_id, "ModerationCase", "caseId"),
    )
    return ModerationActionPayload(action=action)  # type: ignore[arg-type]
