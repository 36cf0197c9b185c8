"""Bulk work gives way to urgent work: a lot of emails waits while a matching job of its
process runs or waits for its turn, and never longer than its budget."""

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.config import get_settings
from app.jobs import priority
from app.mail.service import send_emails
from app.matching import service as matching

LOT = [{"to": f"m{n}@example.org", "subject": "A new opportunity", "text": "Hi"} for n in range(5)]


@pytest.fixture
def mail_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    settings = get_settings()
    monkeypatch.setattr(settings, "email_backend", "file")
    monkeypatch.setattr(settings, "var_dir", tmp_path)
    return tmp_path / "mail"


async def send_lot() -> None:
    await send_emails(messages=LOT)


async def urgent_until(release: asyncio.Event) -> asyncio.Task[None]:
    """A stand-in for a matching job of this process, in progress until `release` is set."""

    async def job() -> None:
        with priority.urgent():
            await release.wait()

    task = asyncio.create_task(job())
    await asyncio.sleep(0)
    return task


def sent(folder: Path) -> int:
    return len(list(folder.glob("*.eml"))) if folder.exists() else 0


async def test_a_lot_of_emails_waits_while_a_matching_job_runs_then_sends_them_all(
    mail_dir: Path,
) -> None:
    # given a matching job in progress in this process
    release = asyncio.Event()
    job = await urgent_until(release)
    assert priority.busy()

    # when a lot of emails starts meanwhile
    lot = asyncio.create_task(send_lot())
    await asyncio.sleep(0.3)

    # then it has sent nothing until the job is done, and everything right after
    assert sent(mail_dir) == 0 and not lot.done()
    release.set()
    await job
    await asyncio.wait_for(lot, timeout=5)
    assert sent(mail_dir) == len(LOT)
    assert not priority.busy()


async def test_a_lot_waits_no_longer_than_its_budget(
    mail_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given urgent work that never ends, and a job timeout of 2 s (a budget of 0.5 s)
    monkeypatch.setattr(get_settings(), "job_timeout_seconds", 2)
    release = asyncio.Event()
    job = await urgent_until(release)
    try:
        # when a lot runs
        started = time.monotonic()
        await asyncio.wait_for(send_emails(messages=LOT), timeout=5)

        # then it waited its budget once for the whole lot, not per message, and sent it all
        assert 0.45 <= time.monotonic() - started < 1.5
        assert sent(mail_dir) == len(LOT)
    finally:
        release.set()
        await job


async def test_without_urgent_work_a_lot_does_not_wait(mail_dir: Path) -> None:
    started = time.monotonic()
    await send_emails(messages=LOT)
    assert time.monotonic() - started < 0.3
    assert sent(mail_dir) == len(LOT)


async def test_a_matching_job_is_urgent_while_it_waits_for_its_turn_and_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    async def batch(**_: Any) -> int:
        seen.append(priority.busy())
        return 0

    monkeypatch.setattr(matching, "_match_batch", batch)
    hub: Any = SimpleNamespace(id=-1)
    assert not priority.busy()
    await matching.match_batch(hub=hub, now=datetime.now(UTC))
    assert seen == [True]
    assert not priority.busy()


def test_a_new_event_loop_waits_on_an_event_of_its_own() -> None:
    # An asyncio.Event is bound to the loop it first waited in; tests run a loop each.
    async def give_way_until_released() -> float:
        started = time.monotonic()
        with priority.urgent():
            waiting = asyncio.create_task(priority.Budget(2).give_way())
            await asyncio.sleep(0.05)
        await waiting
        return time.monotonic() - started

    for _ in range(2):  # the second loop would find the first one's event, bound to it
        assert asyncio.run(give_way_until_released()) < 1
