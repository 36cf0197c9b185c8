"""Sending mail: queued through the outbox, delivered by a worker."""

import logging
import time
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.message import EmailMessage, Message
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from app import i18n, jobs
from app.config import get_settings
from app.hubs.models import Hub
from app.jobs.registry import job
from app.jobs.runner import current_progress, save_progress
from app.mail.backends import Refused, connection, deliver
from app.people.models import Member

log = logging.getLogger(__name__)

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


# The emails one job of `send_emails` carries: about a second of delivery over SMTP.
EMAILS_PER_JOB = 100


@job("send_email")
async def send_email(*, to: str, subject: str, text: str) -> None:
    """Delivers one email through the configured backend."""
    await deliver(_message(to, subject, text), get_settings())


async def queue_emails(messages: list[dict[str, str]], *, key: str) -> None:
    """Queues many emails in the current transaction, EMAILS_PER_JOB to a job (one statement):
    each message a dict of to, subject and text, and optionally `ref`, what it is about (e.g.
    `notify:<notification id>`: read by tests and by whoever traces a complaint). `key` names
    the lot: queued once."""
    chunks = [messages[n : n + EMAILS_PER_JOB] for n in range(0, len(messages), EMAILS_PER_JOB)]
    await jobs.enqueue_many(
        "send_emails",
        [{"messages": chunk} for chunk in chunks],
        [f"{key}:{n}" for n in range(len(chunks))],
    )


@job("send_emails")
async def send_emails(*, messages: list[dict[str, str]]) -> None:
    """Delivers a lot of emails in order over one connection. After each one the job records
    how many are done, so a retry (SMTP down, a worker killed) resumes after them: the one
    in flight when a worker died is the only one that can arrive twice. A message the server
    refuses for good (an unknown address) is logged with its `ref` and skipped: one bad
    address does not hold back the rest of the lot, as it held back only itself when each
    email was a job of its own."""
    done = current_progress()
    async with connection(get_settings()) as send:
        for n, m in enumerate(messages[done:], start=done + 1):
            try:
                await send(_message(m["to"], m["subject"], m["text"]))
            except Refused as exc:
                log.warning("email refused", extra={"ref": m.get("ref"), "error": str(exc)})
            await save_progress(n)


def _message(to: str, subject: str, text: str) -> Message:
    """A plain-text message. Built with the compat32 MIME classes: 0.19 ms of CPU to build and
    serialise a match email against 0.76 ms with EmailMessage's default policy (2026-12-04),
    which the ~20,000 emails of a burst of publishes felt. Addresses outside ASCII (SMTPUTF8)
    keep the default policy's handling."""
    sender = get_settings().email_from
    if not (to.isascii() and sender.isascii()):
        return _international(to, subject, text)
    message = Message()
    message.set_payload(text, _charset(text))  # adds MIME-Version and Content-Type
    message["From"] = formataddr(parseaddr(sender))
    message["To"] = to
    message["Subject"] = subject  # encoded as RFC 2047 words when not ASCII
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="communityhub.local")
    return message


def _charset(text: str) -> Charset | str:
    lines = text.splitlines()
    if text.isascii() and all(len(line) <= 998 for line in lines):
        return "us-ascii"
    # 8bit keeps the text readable in the raw message; lines SMTP cannot carry go as QP.
    return _UTF8_QP if any(len(line.encode()) > 998 for line in lines) else _UTF8_8BIT


_UTF8_8BIT = Charset("utf-8")
_UTF8_8BIT.body_encoding = None  # type: ignore[assignment]  # None is 8bit; typeshed says int
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP


def _international(to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = get_settings().email_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="communityhub.local")
    message.set_content(text)
    return message
