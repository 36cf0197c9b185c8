"""Mail backends: the SMTP backend delivers to a real (local) SMTP server; failures retry."""

import socket
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from app.config import get_settings
from app.jobs.queue import TransientJobError
from app.mail.service import send_email


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

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
