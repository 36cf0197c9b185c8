"""Sending mail: queued through the outbox, delivered by a worker."""

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from app import jobs
from app.config import get_settings
from app.jobs.registry import job
from app.mail.backends import deliver


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
