"""Where outgoing mail goes: the log, a folder of .eml files, or an SMTP server."""

import logging
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage

import aiosmtplib
import anyio

from app.config import Settings
from app.jobs.queue import TransientJobError

log = logging.getLogger(__name__)


async def deliver(message: EmailMessage, settings: Settings) -> None:
    if settings.email_backend == "smtp":
        await _smtp(message, settings)
        return
    log.info("email", extra={"to": message["To"], "subject": message["Subject"]})
    if settings.email_backend == "file":
        await _file(message, settings)


async def _file(message: EmailMessage, settings: Settings) -> None:
    folder = anyio.Path(settings.mail_dir)
    await folder.mkdir(parents=True, exist_ok=True)
    await (folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml").write_bytes(
        bytes(message)
    )


async def _smtp(message: EmailMessage, settings: Settings) -> None:
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=20,
        )
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected, TimeoutError) as exc:
        raise TransientJobError(f"smtp unavailable: {exc}") from exc
