"""Where outgoing mail goes: the log, a folder of .eml files, or an SMTP server."""

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import aiosmtplib
import anyio

from app.config import Settings
from app.jobs.queue import TransientJobError

log = logging.getLogger(__name__)


Send = Callable[[Message], Awaitable[None]]


class Refused(Exception):
    """The server refused this message for good (an unknown recipient, a 5xx answer); the
    connection is still usable for the next one."""


async def deliver(message: Message, settings: Settings) -> None:
    async with connection(settings) as send:
        await send(message)


@asynccontextmanager
async def connection(settings: Settings) -> AsyncIterator[Send]:
    """A way to deliver many messages: over SMTP, one connection (and login) for all of them."""
    if settings.email_backend != "smtp":
        yield lambda message: _local(message, settings)
        return
    smtp = aiosmtplib.SMTP(
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        start_tls=settings.smtp_starttls,
        timeout=20,
    )
    try:
        await smtp.connect()
    except _UNAVAILABLE as exc:
        raise TransientJobError(f"smtp unavailable: {exc}") from exc

    async def send(message: Message) -> None:
        try:
            await smtp.send_message(message)
        except _UNAVAILABLE as exc:
            raise TransientJobError(f"smtp unavailable: {exc}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise Refused(str(exc)) from exc
        except aiosmtplib.SMTPSenderRefused:
            raise  # our own address: every message would fail alike
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise Refused(f"{exc.code} {exc.message}") from exc
            raise TransientJobError(f"smtp busy: {exc.code} {exc.message}") from exc

    try:
        yield send
    finally:
        if smtp.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await smtp.quit()


_UNAVAILABLE = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPServerDisconnected,
    TimeoutError,
    OSError,
)


async def _local(message: Message, settings: Settings) -> None:
    log.info("email", extra={"to": message["To"], "subject": message["Subject"]})
    if settings.email_backend == "file":
        await _file(message, settings)


async def _file(message: Message, settings: Settings) -> None:
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    # One trip to a thread for the folder and the file: anyio.Path's mkdir and write_bytes made
    # two (the thread hops were a tenth of a worker's CPU in a burst's email lots).
    await anyio.to_thread.run_sync(_write, settings.mail_dir, name, bytes(message))


def _write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
