"""reinstateMember: a moderator lifts a suspension."""

import strawberry

from app.moderation import actions
from app.moderation.errors import ModerationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.moderation.mutations.payloads import ModerationActionPayload, required_id
from schema.moderation.types import ModerationError


@strawberry.input
class ReinstateMemberInput:
    member_id: strawberry.ID
    reason: str


@errors_as_data(ModerationError, E, ModerationActionPayload)
async def reinstate_member(input: ReinstateMemberInput, info: Info) -> ModerationActionPayload:
    """Restores what can be: hidden content shows again, paused listings are published again;
    withdrawn applications stay withdrawn. NOT_SUSPENDED."""
    action = await actions.reinstate(
        actor=info.context.require_actor(),
        member_id=required_id(input.member_id, "Member", "memberId"),
        reason=input.reason,
    )
    return ModerationActionPayload(action=action)  # type: ignore[arg-type]
