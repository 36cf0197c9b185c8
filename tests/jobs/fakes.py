"""A clock the tests move and a queue they drive by hand, so schedules are checked without
sleeping. The queue keeps arq's rules that matter here: a queue id is taken once, a deferred
job waits for its time, and a job a worker took is no longer waiting."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.jobs import clock, queue
from app.jobs.runner import run_job


@dataclass
class FakeClock:
    now_: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def now(self) -> datetime:
        return self.now_

    def advance(self, seconds: float) -> datetime:
        self.now_ += timedelta(seconds=seconds)
        return self.now_

    def at(self, when: datetime) -> datetime:
        self.now_ = when
        return when


@dataclass
class Wakeup:
    ref: str
    job_id: int
    run_after: datetime | None
    taken: bool = False


@dataclass
class FakeQueue:
    clock: FakeClock
    pushed: list[Wakeup] = field(default_factory=list)

    async def push(self, *, ref: str, job_id: int, name: str, run_after: datetime | None) -> None:
        if any(w.ref == ref for w in self.pushed):
            return  # arq ignores a second job with a taken id
        self.pushed.append(Wakeup(ref, job_id, run_after))

    async def waiting(self, refs: Any) -> set[str]:
        return {w.ref for w in self.pushed if w.ref in set(refs) and not w.taken}

    def due(self, job_id: int | None = None) -> list[Wakeup]:
        now = self.clock.now()
        return [
            w
            for w in self.pushed
            if not w.taken and (w.run_after or now) <= now and job_id in (None, w.job_id)
        ]

    def take(self, wakeup: Wakeup) -> None:
        """A worker dequeues it (and may die before running it)."""
        wakeup.taken = True

    async def run_due(self, job_id: int | None = None) -> list[str]:
        """A worker takes every due wake-up (of `job_id`) and runs it; returns the outcomes."""
        outcomes = []
        for wakeup in self.due(job_id):
            self.take(wakeup)
            outcomes.append(await run_job(wakeup.job_id))
        return outcomes

    def refs_of(self, job_id: int) -> list[str]:
        return [w.ref for w in self.pushed if w.job_id == job_id]


def install_fakes(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeClock, FakeQueue]:
    """The jobs' clock and queue replaced by fakes (undone with `monkeypatch`)."""
    fake_clock = FakeClock()
    fake_queue = FakeQueue(fake_clock)
    monkeypatch.setattr(clock, "now", fake_clock.now)
    monkeypatch.setattr(queue, "push", fake_queue.push)
    monkeypatch.setattr(queue, "waiting", fake_queue.waiting)
    return fake_clock, fake_queue


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeClock, FakeQueue]:
    return install_fakes(monkeypatch)


@pytest.fixture
def fake_clock(fakes: tuple[FakeClock, FakeQueue]) -> FakeClock:
    return fakes[0]


@pytest.fixture
def fake_queue(fakes: tuple[FakeClock, FakeQueue]) -> FakeQueue:
    return fakes[1]
