"""Telling members about moderation: reporters the outcome, the member acted on the action and
its reason, the appellant the decision. In the app's notifications (one per event: `data.once`);
the texts are marked (`_()`) and kept as data (`data.texts`), so each reader reads them in their
language; the moderators' own words stay as written."""

from datetime import UTC, datetime

from app.i18n import _, localize, use_locale
from app.i18n.stored import pack
from app.mail.service import queue_email, recipient_locale
from app.mail.templates import letter
from app.matching.models import Delivery, Notification, NotificationKind
from app.moderation.models import ActionKind, AppealStatus, ModerationAction
from app.people.models import Member

ACTION_TITLES = {
    ActionKind.HIDE: _("Something you posted was hidden by a moderator"),
    ActionKind.WARN: _("A warning from the hub's moderators"),
    ActionKind.SUSPEND: _("Your account is suspended"),
    ActionKind.REINSTATE: _("Your account is active again"),
}
OUTCOMES = {
    ActionKind.HIDE: _("A moderator hid what you reported. Thank you for telling us."),
    ActionKind.WARN: _("A moderator warned the member responsible. Thank you for telling us."),
    ActionKind.SUSPEND: _(
        "A moderator suspended the member responsible. Thank you for telling us."
    ),
    ActionKind.DISMISS: _("A moderator looked at what you reported and took no action."),
    ActionKind.REINSTATE: _("A moderator looked at what you reported and took no action."),
}
APPEAL_TITLES = {
    AppealStatus.UPHELD: _("Your appeal was not successful"),
    AppealStatus.OVERTURNED: _("Your appeal was successful"),
}


async def tell(
    *,
    hub_id: int,
    member_ids: list[int],
    kind: NotificationKind,
    title: str,
    reason: str,
    once: str,
) -> None:
    """One notification per member, once per `once` (a re-run adds nothing)."""
    now = datetime.now(UTC)
    await Notification.bulk_create(
        [
            Notification(
                hub_id=hub_id,
                member_id=member_id,
                kind=kind,
                title=title[:200],
                reason=reason[:300],
                delivery=Delivery.NOW,
                data={"once": once, "texts": {"title": pack(title), "reason": pack(reason)}},
                created_at=now,
            )
            for member_id in member_ids
        ],
        ignore_conflicts=True,
    )


async def tell_member(action: ModerationAction) -> None:
    """The member acted on: the action and its reason (and until when, for a suspension)."""
    if action.member_id is None or action.kind not in ACTION_TITLES:
        return
    reason: str = action.reason
    if action.kind == ActionKind.SUSPEND:
        until = action.ends_at.date().isoformat() if action.ends_at else _("further notice")
        reason = _(
            "Until {until}. {reason} You may appeal once to a hub admin.",
            until=until,
            reason=action.reason,
        )
    elif action.kind in (ActionKind.HIDE, ActionKind.WARN):
        reason = _("{reason} You may appeal once to a hub admin.", reason=action.reason)
    if action.kind == ActionKind.SUSPEND:  # they cannot sign in to read it
        await _email(
            action, ACTION_TITLES[action.kind], _("{reason} Reply to appeal.", reason=reason)
        )
    await tell(
        hub_id=action.hub_id,
        member_ids=[action.member_id],
        kind=NotificationKind.MODERATION_ACTION,
        title=ACTION_TITLES[action.kind],
        reason=reason,
        once=f"moderation-action:{action.id}",
    )


async def tell_reporters(
    *, hub_id: int, case_id: int, reporter_ids: list[int], outcome: ActionKind
) -> None:
    if reporter_ids:
        await tell(
            hub_id=hub_id,
            member_ids=reporter_ids,
            kind=NotificationKind.REPORT_OUTCOME,
            title=_("About your report"),
            reason=OUTCOMES[outcome],
            once=f"report-outcome:{case_id}",
        )


async def _email(action: ModerationAction, subject: str, text: str) -> None:
    member = await Member.get(id=action.member_id)
    if member.email:
        with use_locale(await recipient_locale(member)):
            await queue_email(
                to=member.email,
                subject=localize(subject),
                text=letter(display_name=member.display_name, text=localize(text)),
                key=f"moderation-action:{action.id}",
            )


async def tell_appellant(action: ModerationAction) -> None:
    if action.member_id is None or action.appeal_status not in APPEAL_TITLES:
        return
    await tell(
        hub_id=action.hub_id,
        member_ids=[action.member_id],
        kind=NotificationKind.APPEAL_DECIDED,
        title=APPEAL_TITLES[action.appeal_status],
        reason=action.decision_note,
        once=f"appeal:{action.id}",
    )
