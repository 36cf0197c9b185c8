"""Cron work: expire lapsed listings, and remind posters before theirs lapse."""

from datetime import UTC, datetime, timedelta

from tortoise import Tortoise

from app.config import get_settings
from app.hubs.models import Hub
from app.i18n import format_when, gettext, use_locale
from app.mail.service import queue_email, recipient_locale
from app.mail.templates import letter
from app.opportunities.models import Opportunity
from app.people.models import Member

REMIND_BEFORE = timedelta(days=3)
BATCH = 500


async def expire_lapsed(*, now: datetime | None = None) -> int:
    """Marks open opportunities past their expiry as expired; returns how many."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "UPDATE opportunity SET status = 'expired', updated_at = now()"
        " WHERE id IN (SELECT id FROM opportunity WHERE status IN ('published', 'filled')"
        " AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " RETURNING id",
        [now or datetime.now(UTC), BATCH],
    )
    return len(rows)


async def remind_posters(*, now: datetime | None = None) -> int:
    """Emails each poster once when their open opportunity expires within three days."""
    now = now or datetime.now(UTC)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "UPDATE opportunity SET expiry_reminder_sent_at = $1"
        " WHERE id IN (SELECT id FROM opportunity WHERE status IN ('published', 'filled')"
        " AND expiry_reminder_sent_at IS NULL AND expires_at > $1 AND expires_at <= $2"
        " ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, expires_at",
        [now, now + REMIND_BEFORE, BATCH],
    )
    for row in rows:
        await _remind(row["id"], row["expires_at"])
    return len(rows)


async def _remind(opportunity_id: int, expires_at: datetime) -> None:
    opportunity = await Opportunity.get(id=opportunity_id)
    poster = await Member.get(id=opportunity.poster_id)
    if not poster.email:
        return
    hub = await Hub.get(id=opportunity.hub_id).only("id", "timezone")
    with use_locale(await recipient_locale(poster)):
        await queue_email(
            to=poster.email,
            subject=gettext("Your opportunity “{title}” expires soon", title=opportunity.title),
            text=letter(
                display_name=poster.display_name,
                text=gettext(
                    "“{title}” stops being listed on {when}. If it is still needed, renew it in "
                    "the app (renewOpportunity) or here: {link}",
                    title=opportunity.title,
                    when=format_when(expires_at, timezone=hub.timezone),
                    link=get_settings().public_url + "/graphql",
                ),
            ),
            key=f"expiry-reminder:{opportunity_id}:{expires_at.timestamp():.0f}",
        )


async def housekeeping() -> dict[str, int]:
    """One cron tick: expire, then remind."""
    return {"expired": await expire_lapsed(), "reminded": await remind_posters()}
