"""Mail backends: the SMTP backend delivers to a real (local) SMTP server; failures retry."""

import socket
import uuid
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from tortoise.transactions import in_transaction

from app.config import get_settings
from app.jobs.models import OutboxJob
from app.jobs.queue import TransientJobError
from app.jobs.runner import run_job
from app.mail import service as mail_service
from app.mail.service import queue_emails, send_email
from tests.helpers import count_sql


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []
        self.unknown: set[str] = set()  # addresses the server refuses (550)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.unknown:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Any:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = get_settings()
    monkeypatch.setattr(settings, "email_backend", "smtp")
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    monkeypatch.setattr(settings, "smtp_starttls", False)
    yield inbox
    controller.stop()


async def test_smtp_backend_delivers(smtp_server: Any) -> None:
    await send_email(to="someone@example.org", subject="Hello", text="Body text")
    [message] = smtp_server.messages
    assert message["To"] == "someone@example.org"
    assert message["Subject"] == "Hello"
    assert "Body text" in message.get_payload()


async def test_smtp_down_is_a_transient_error(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "email_backend", "smtp")
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", 1)
    with pytest.raises(TransientJobError):
        await send_email(to="someone@example.org", subject="Hello", text="Body")


async def _queue_lot(count: int) -> int:
    async with in_transaction():
        await queue_emails(
            [
                {"ref": f"r{n}", "to": f"p{n}@example.org", "subject": f"S{n}", "text": "Body"}
                for n in range(count)
            ],
            key=f"lot:{uuid.uuid4().hex}",
        )
    [job] = await OutboxJob.filter(name="send_emails").order_by("-id").limit(1)
    return job.id


async def test_a_lot_of_emails_goes_over_one_smtp_connection(smtp_server: Any) -> None:
    # given: seven emails queued as one lot
    job_id = await _queue_lot(7)
    # when
    assert await run_job(job_id) == "done"
    # then: all seven delivered, in order, from one client connection
    assert [m["To"] for m in smtp_server.messages] == [f"p{n}@example.org" for n in range(7)]
    assert len({m["X-Peer"] for m in smtp_server.messages}) == 1
    assert (await OutboxJob.get(id=job_id)).progress == 7


async def test_a_lot_cut_off_midway_resumes_after_the_emails_it_sent(
    smtp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a lot of five, and an SMTP server that drops the connection at the third
    job_id = await _queue_lot(5)
    real, dropped = mail_service._message, list[str]()

    def flaky(to: str, subject: str, text: str) -> Any:
        if to == "p2@example.org" and not dropped:
            dropped.append(to)
            raise TransientJobError("smtp unavailable: connection dropped")
        return real(to, subject, text)

    monkeypatch.setattr(mail_service, "_message", flaky)
    # when: the first attempt stops there, and the retry runs once the server is back
    assert await run_job(job_id) == "retry"
    assert (await OutboxJob.get(id=job_id)).progress == 2
    await OutboxJob.filter(id=job_id).update(run_after=None)
    assert await run_job(job_id) == "done"
    # then: each email arrived once, in order
    assert [m["To"] for m in smtp_server.messages] == [f"p{n}@example.org" for n in range(5)]


async def test_a_long_lot_is_queued_as_several_jobs_in_one_statement() -> None:
    # given
    key = f"lot:{uuid.uuid4().hex}"
    messages = [{"to": f"q{n}@example.org", "subject": "S", "text": "T"} for n in range(250)]
    # when
    async with in_transaction():
        with count_sql() as counter:
            await queue_emails(messages, key=key)
    # then: 100 + 100 + 50, keyed by the lot and the part
    jobs = await OutboxJob.filter(key__startswith=key).order_by("key")
    assert [(j.key, len(j.payload["messages"])) for j in jobs] == [
        (f"{key}:0", 100),
        (f"{key}:1", 100),
        (f"{key}:2", 50),
    ]
    assert len(counter.statements) == 1, counter.statements


async def test_an_address_the_server_refuses_does_not_hold_back_the_rest_of_the_lot(
    smtp_server: Any,
) -> None:
    # given: a lot of five, the third to an address the server does not know
    smtp_server.unknown.add("p2@example.org")
    job_id = await _queue_lot(5)
    # when
    assert await run_job(job_id) == "done"
    # then: the other four delivered over the one connection, the refused one skipped
    assert [m["To"] for m in smtp_server.messages] == [f"p{n}@example.org" for n in (0, 1, 3, 4)]
    assert len({m["X-Peer"] for m in smtp_server.messages}) == 1
    assert (await OutboxJob.get(id=job_id)).progress == 5


TEXTS = {
    "ascii": "Hello Ann,\n\nA new opportunity near you: Lunch club.\n",
    "accents": "Grüße, Zoë!\n\nDie Tafel in Köln sucht Hilfe — ab 9 Uhr.\n",
    "long line": "Über " + "x" * 1200 + "\n",
}


@pytest.mark.parametrize("kind", TEXTS)
async def test_a_message_reaches_smtp_with_its_text_and_subject_intact(
    smtp_server: Any, kind: str
) -> None:
    # given
    text, subject = TEXTS[kind], "Neue Gelegenheit in Köln"
    # when
    await send_email(to="someone@example.org", subject=subject, text=text)
    # then: what the server received decodes to the same subject and text
    [received] = smtp_server.messages
    parsed = message_from_bytes(received.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].addr_spec == "no-reply@communityhub.local"
    assert parsed.get_content() == text


async def test_a_written_mail_file_keeps_a_name_readable_in_its_bytes(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the file backend (erasure finds the files naming someone by their bytes)
    settings = get_settings()
    monkeypatch.setattr(settings, "email_backend", "file")
    monkeypatch.setattr(settings, "var_dir", tmp_path)
    # when
    await send_email(to="zoe@example.org", subject="Hallo", text=TEXTS["accents"])
    # then: the text is stored as 8bit UTF-8, not base64
    [path] = list(settings.mail_dir.glob("*.eml"))
    assert "Zoë".encode() in path.read_bytes()
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed.get_content() == TEXTS["accents"]
