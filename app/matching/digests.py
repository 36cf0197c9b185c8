"""Daily and weekly digests: what members were not told at once, sent at 08:00 hub time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from app.hubs.models import Hub
from app.i18n import gettext, ngettext, use_locale
from app.mail.service import queue_email, recipient_locale
from app.mail.templates import letter
from app.matching.explain import notification_reason, notification_title
from app.matching.models import Delivery, Notification
from app.people.models import Member

SEND_HOUR = 8
MONDAY = 1


async def send_digests(*, now: datetime | None = None) -> int:
    """Cron (hourly): in each hub where it is 08:00, one email per member with pending items.

    Daily-digest members (and those deferred by the cap or quiet hours) get one every day;
    weekly-digest members on Mondays. The outbox key (member, local date) makes it once a day.
    """
    now = now or datetime.now(UTC)
    sent = 0
    for hub in await Hub.all():
        local = now.astimezone(ZoneInfo(hub.timezone))
        if local.hour != SEND_HOUR:
            continue
        member_ids = (
            await Notification.filter(
                hub_id=hub.id,
                delivery=Delivery.DIGEST,
                digested_at__isnull=True,
                read_at__isnull=True,
            )
            .distinct()
            .values_list("member_id", flat=True)
        )
        for member_id in member_ids:
            sent += await _digest(hub, int(member_id), local, now)  # type: ignore[call-overload]
    return sent


async def _digest(hub: Hub, member_id: int, local: datetime, now: datetime) -> int:
    member = await Member.get(id=member_id)
    prefs = member.notification_prefs or {}
    if prefs.get("digest") == "weekly" and local.isoweekday() != MONDAY:
        return 0
    async with in_transaction():
        items = (
            await Notification.filter(
                hub_id=hub.id,
                member_id=member_id,
                delivery=Delivery.DIGEST,
                digested_at__isnull=True,
                read_at__isnull=True,
            )
            .order_by("-score", "id")
            .limit(50)
            .select_for_update(skip_locked=True)
        )
        if not items:
            return 0
        if member.email and prefs.get("email", True):
            with use_locale(await recipient_locale(member)):
                lines = "\n".join(
                    f"- {notification_title(n)} ({notification_reason(n)})" for n in items
                )
                await queue_email(
                    to=member.email,
                    subject=ngettext(
                        "{n} opportunity for you", "{n} opportunities for you", len(items)
                    ),
                    text=letter(
                        display_name=member.display_name,
                        text=gettext("These may suit you:") + f"\n\n{lines}",
                    ),
                    key=f"digest:{member_id}:{local.date().isoformat()}",
                )
        await Notification.filter(id__in=[n.id for n in items]).update(digested_at=now)
    return 1
