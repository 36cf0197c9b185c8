"""What moderators do with a case (or a member): hide the object, warn, suspend, reinstate, and
resolve the case with a note, which tells each reporter the outcome.

Every action is one transaction with its audit row; the member acted on is told the action
and the reason in their notifications, and may appeal it once (app/moderation/appeals.py).
"""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.moderation import notify, suspensions
from app.moderation.access import member_to_act_on, open_case, require_moderator
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.models import (
    ActionKind,
    CaseStatus,
    HiddenObject,
    ModerationAction,
    ModerationCase,
    Report,
)

MAX_REASON = 1000
# The outcome a reporter is told: the strongest action taken on the case.
STRENGTH = [ActionKind.DISMISS, ActionKind.WARN, ActionKind.HIDE, ActionKind.SUSPEND]


def _reason(text: str, field: str = "reason", required: bool = True) -> str:
    return v.text(
        text, field=field, max_length=MAX_REASON, invalid=E.INVALID, required=required,
        multiline=True,
    )  # fmt: skip


async def hide(*, actor: Actor, case_id: int, reason: str) -> ModerationAction:
    """Hides the case's object from everyone but its owner side and moderators."""
    require_moderator(actor)
    reason = _reason(reason)
    async with in_transaction():
        case = await open_case(actor, case_id)
        if case.member_id is not None and case.member_id != actor.member_id:
            await member_to_act_on(actor, case.member_id)
        action = await ModerationAction.create(
            hub_id=actor.hub_id, case_id=case.id, kind=ActionKind.HIDE, member_id=case.member_id,
            moderator_id=actor.member_id, target=case.target, object_id=case.object_id,
            reason=reason,
        )  # fmt: skip
        await HiddenObject.create(
            hub_id=actor.hub_id, target=case.target, object_id=case.object_id, action_id=action.id
        )
        await _audit(actor, action, "moderation.hide")
        await notify.tell_member(action)
    return action


async def warn(
    *, actor: Actor, member_id: int, reason: str, case_id: int | None = None
) -> ModerationAction:
    require_moderator(actor)
    reason = _reason(reason)
    async with in_transaction():
        case = await open_case(actor, case_id) if case_id is not None else None
        member = await member_to_act_on(actor, member_id)
        action = await ModerationAction.create(
            hub_id=actor.hub_id, case_id=case.id if case else None, kind=ActionKind.WARN,
            member_id=member.id, moderator_id=actor.member_id, reason=reason,
        )  # fmt: skip
        await _audit(actor, action, "moderation.warn")
        await notify.tell_member(action)
    return action


async def suspend(
    *,
    actor: Actor,
    member_id: int,
    reason: str,
    ends_at: datetime | None = None,
    case_id: int | None = None,
) -> ModerationAction:
    require_moderator(actor)
    reason = _reason(reason)
    async with in_transaction():
        case = await open_case(actor, case_id) if case_id is not None else None
        action = await suspensions.suspend(
            actor=actor, member_id=member_id, reason=reason, ends_at=ends_at, case=case
        )
    suspensions.forget_sessions(member_id)
    return action


async def reinstate(*, actor: Actor, member_id: int, reason: str) -> ModerationAction:
    require_moderator(actor)
    reason = _reason(reason)
    async with in_transaction():
        await member_to_act_on(actor, member_id, lock=True)
        action = await suspensions.reinstate(
            actor=actor, hub_id=actor.hub_id, member_id=member_id, reason=reason
        )
    suspensions.forget_sessions(member_id)
    return action


async def resolve(*, actor: Actor, case_id: int, note: str) -> ModerationCase:
    """Closes the case with a note; each reporter is told the outcome."""
    require_moderator(actor)
    note = _reason(note, "note")
    async with in_transaction():
        case = await open_case(actor, case_id)
        found = await ModerationAction.filter(case_id=case.id).values_list("kind", flat=True)
        kinds = {str(k) for k in found}
        outcome = max(
            (ActionKind(k) for k in kinds if k in STRENGTH),
            key=STRENGTH.index,
            default=ActionKind.DISMISS,
        )
        case.status = CaseStatus.RESOLVED
        case.resolved_at = datetime.now(UTC)
        case.resolved_by_id = actor.member_id
        case.resolution_note = note
        await case.save(
            update_fields=["status", "resolved_at", "resolved_by_id", "resolution_note"]
        )
        reporters = [
            int(str(r))
            for r in await Report.filter(case_id=case.id).values_list("reporter_id", flat=True)
        ]
        await notify.tell_reporters(
            hub_id=actor.hub_id,
            case_id=case.id,
            reporter_ids=reporters,
            outcome=outcome,  # type: ignore[arg-type]
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="moderation.resolve",
            object_type="moderation_case",
            object_id=case.id,
            data={"outcome": outcome.value, "reports": len(reporters)},
        )
    return case


async def _audit(actor: Actor, action: ModerationAction, name: str) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=name,
        object_type="moderation_action",
        object_id=action.id,
        data={
            "member_id": action.member_id,
            "target": action.target.value if action.target else None,
            "object_id": action.object_id,
            "case_id": action.case_id,
        },
    )
