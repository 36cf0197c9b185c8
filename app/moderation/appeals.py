"""One appeal per action, to a hub admin, who upholds or overturns it.

The member acted on appeals a HIDE, WARN or SUSPEND once (ALREADY_APPEALED after). A suspended
member cannot sign in: the suspension is emailed to them (app/moderation/notify.py) and they
appeal by replying; a hub admin records that appeal in their name (`appeal` by a hub admin, for
a suspension only). Overturning undoes the action: a hidden object shows again, a suspended
member is reinstated (with what can be restored).
"""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import _
from app.moderation import notify, suspensions
from app.moderation.access import require_hub_admin
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.models import ActionKind, AppealStatus, HiddenObject, ModerationAction
from app.people.models import Member, MemberStatus, Role

APPEALABLE = (ActionKind.HIDE, ActionKind.WARN, ActionKind.SUSPEND)
MAX_NOTE = 2000


async def appeal(*, actor: Actor, action_id: int, note: str) -> ModerationAction:
    """The member acted on appeals, once (or a hub admin records a suspended member's)."""
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID, multiline=True)
    async with in_transaction():
        action = (
            await ModerationAction.filter(id=action_id, hub_id=actor.hub_id)
            .select_for_update()
            .first()
        )
        on_behalf = (
            action is not None
            and action.kind == ActionKind.SUSPEND
            and actor.has_role(Role.HUB_ADMIN)
        )
        if action is None or (action.member_id != actor.member_id and not on_behalf):
            raise DomainError(E.NOT_FOUND, _("No such action on you."), "actionId")
        if action.kind not in APPEALABLE:
            raise DomainError(E.NOT_APPEALABLE, _("This action cannot be appealed."), "actionId")
        if action.appeal_status != AppealStatus.NONE:
            raise DomainError(E.ALREADY_APPEALED, _("You have appealed this already."), "actionId")
        action.appeal_status = AppealStatus.PENDING
        action.appeal_note = note
        action.appealed_at = datetime.now(UTC)
        await action.save(update_fields=["appeal_status", "appeal_note", "appealed_at"])
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="moderation.appeal",
            object_type="moderation_action", object_id=action.id,
        )  # fmt: skip
    return action


async def decide(*, actor: Actor, action_id: int, overturn: bool, note: str) -> ModerationAction:
    """A hub admin upholds or overturns an appealed action; the appellant is told."""
    require_hub_admin(actor)
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID, multiline=True)
    async with in_transaction():
        action = (
            await ModerationAction.filter(id=action_id, hub_id=actor.hub_id)
            .select_for_update()
            .first()
        )
        if action is None:
            raise DomainError(E.NOT_FOUND, _("No such action."), "actionId")
        if action.appeal_status != AppealStatus.PENDING:
            code = (
                E.NOT_APPEALABLE if action.appeal_status == AppealStatus.NONE else E.ALREADY_DECIDED
            )
            raise DomainError(code, _("There is no appeal waiting on this action."), "actionId")
        if action.member_id == actor.member_id:
            raise DomainError(E.FORBIDDEN, _("Another hub admin decides your appeal."), "actionId")
        action.appeal_status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
        action.decided_by_id = actor.member_id
        action.decided_at = datetime.now(UTC)
        action.decision_note = note
        await action.save(
            update_fields=["appeal_status", "decided_by_id", "decided_at", "decision_note"]
        )
        if overturn:
            await _undo(actor, action)
        await audit.record(
            actor=actor, hub_id=actor.hub_id,
            action="moderation.appeal_overturn" if overturn else "moderation.appeal_uphold",
            object_type="moderation_action", object_id=action.id,
        )  # fmt: skip
        await notify.tell_appellant(action)
    if overturn and action.kind == ActionKind.SUSPEND and action.member_id is not None:
        suspensions.forget_sessions(action.member_id)
    return action


async def _undo(actor: Actor, action: ModerationAction) -> None:
    if action.kind == ActionKind.HIDE:
        await HiddenObject.filter(hub_id=actor.hub_id, action_id=action.id).delete()
    elif action.kind == ActionKind.SUSPEND and action.member_id is not None:
        member = await Member.get(id=action.member_id)
        if member.status == MemberStatus.SUSPENDED:
            await suspensions.reinstate(
                actor=actor, hub_id=actor.hub_id, member_id=member.id,
                reason="Your appeal was successful.",
            )  # fmt: skip
