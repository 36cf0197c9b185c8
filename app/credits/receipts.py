"""Receipts: the email a member gets when credits reach their account, in their language."""

from app.credits.models import Transfer
from app.hubs.models import Hub
from app.i18n import format_date, gettext, ngettext, resolve, use_locale
from app.mail.service import queue_email
from app.mail.templates import letter
from app.people.models import Member
from app.portfolios.models import HoursRecord


async def earned(*, hub: Hub, record: HoursRecord, transfer: Transfer) -> None:
    """Queues the volunteer's receipt for credits earned by verified hours, in the caller's
    transaction (keyed by the transfer: sent once)."""
    member = await Member.get(id=record.volunteer_id)  # type: ignore[attr-defined]
    if not member.email:
        return
    with use_locale(resolve(member=member.locale, hub=hub.locale)):
        subject = ngettext(
            "Receipt: {n} credit earned", "Receipt: {n} credits earned", transfer.amount
        )
        text = "\n".join(
            [
                gettext(
                    "Thank you for volunteering on {day}: {time} verified.",
                    day=format_date(record.worked_on),
                    time=ngettext("{n} minute", "{n} minutes", record.minutes),
                ),
                ngettext(
                    "{n} credit was added to your account.",
                    "{n} credits were added to your account.",
                    transfer.amount,
                ),
                gettext("Reference: {reference}", reference=transfer.reference or ""),
                gettext("Date: {day}", day=format_date(transfer.created_at, timezone=hub.timezone)),
            ]
        )
        await queue_email(
            to=member.email,
            subject=subject,
            text=letter(display_name=member.display_name, text=text),
            key=f"receipt:{transfer.id}",
        )
