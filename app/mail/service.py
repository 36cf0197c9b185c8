"""Sending mail: queued through the outbox, delivered by a worker."""

import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from app import i18n, jobs
from app.config import get_settings
from app.hubs.models import Hub
from app.jobs.registry import job
from app.mail.backends import deliver
from app.people.models import Member

_HUB_LOCALES: dict[int, tuple[str, float]] = {}
HUB_LOCALE_TTL_SECONDS = 60.0


async def hub_locale(hub_id: int) -> str:
    """The hub's locale, remembered for a minute per process (every email asks)."""
    cached = _HUB_LOCALES.get(hub_id)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    found = await Hub.filter(id=hub_id).values_list("locale", flat=True)
    locale = str(found[0]) if found else i18n.SOURCE
    _HUB_LOCALES[hub_id] = (locale, time.monotonic() + HUB_LOCALE_TTL_SECONDS)
    return locale


def forget_hub_locale(hub_id: int) -> None:
    """The hub's locale changed (updateHub): this process reads it again at once."""
    _HUB_LOCALES.pop(hub_id, None)


async def recipient_locale(member: Member) -> str:
    """The language to write to a member in: theirs, else their hub's."""
    if member.locale and i18n.supported(member.locale):
        return i18n.resolve(member=member.locale)
    return i18n.resolve(hub=await hub_locale(member.hub_id))  # type: ignore[attr-defined]


async def queue_email(*, to: str, subject: str, text: str, key: str | None = None) -> None:
    """Queues an email in the current transaction (sent only if it commits)."""
    await jobs.enqueue("send_email", {"to": to, "subject": subject, "text": text}, key=key)


@job("send_email")
async def send_email(*, to: str, subject: str, text: str) -> None:
    """Delivers one email through the configured backend."""
    settings = get_settings()
    now = datetime.now(UTC)
    message = EmailMessage()
    message["From"] = settings.email_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain="communityhub.local")
    message.set_content(text)
    await deliver(message, settings)
