"""Real `communityhub worker` processes that the simulation kills with SIGKILL and restarts.

Built on tests/jobs/processes.py (WorkerProcess, FAST_JOBS). Whether and when a worker dies is
drawn from a random generator of its own (seeded from the run's seed), so the kill schedule
replays too and never shifts the operations' random choices.
"""

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from random import Random
from typing import Any

from tortoise import Tortoise

from app.config import get_settings
from tests.jobs.processes import FAST_JOBS, WorkerProcess, forget_health_checks, forget_leftovers

# The fault tests' fast job settings, and faster still: a job is cut off after 2 s (a dead
# worker's claims run out after 4 s), housekeeping (expired holds, vouchers, payment requests)
# runs every second, and a job a request did not hand over is swept after a second.
SIM_JOBS: dict[str, Any] = FAST_JOBS | {
    "job_timeout_seconds": 2,
    "housekeeping_seconds": 1,
    "outbox_stale_seconds": 1,
}


def patch_settings() -> dict[str, Any]:
    """Gives this process the workers' job settings (leases, sweep); returns the old values."""
    settings = get_settings()
    old = {name: getattr(settings, name) for name in SIM_JOBS}
    for name, value in SIM_JOBS.items():
        setattr(settings, name, value)
    return old


def restore_settings(old: dict[str, Any]) -> None:
    settings = get_settings()
    for name, value in old.items():
        setattr(settings, name, value)


@dataclass
class Kill:
    step: int
    at: datetime
    running_jobs: int  # outbox jobs claimed (running) when it died


@dataclass
class WorkerPool:
    rng: Random
    kill_every: float  # mean steps between kills (0: never)
    alive: list[WorkerProcess] = field(default_factory=list)
    dead: list[WorkerProcess] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)
    starts: int = 0
    restart_at: int | None = None
    armed: int | None = None  # the step a kill was drawn at, until it fires
    ready_at: datetime | None = None  # when a live worker was seen ready (None: not yet)

    def start(self) -> WorkerProcess:
        if not self.alive:
            # A dead worker's health checks must not count as a ready one's; but a live
            # worker's must stay (they are per queue, and refreshed only every 30 s).
            forget_health_checks()
            self.ready_at = None
        worker = WorkerProcess(**SIM_JOBS).start()
        self.alive.append(worker)
        self.starts += 1
        return worker

    async def ensure_ready(self) -> None:
        """At least one worker, and the newest one answering (its health checks written)."""
        if not self.alive:
            self.start()
        if self.ready_at is None:
            await asyncio.to_thread(self.alive[-1].wait_ready)
            self.ready_at = datetime.now(UTC)

    async def after_step(self, step: int, queued: int) -> str | None:
        """Maybe kills a worker, maybe restarts: drawn from the pool's own generator.

        A kill is armed at a random step and fires after the next step that queued jobs (or
        a few steps later), as soon as a worker has claimed one, so that it dies holding work.
        """
        if self.kill_every <= 0:
            return None
        events = []
        if self.rng.random() < 1 / self.kill_every and self.armed is None:
            self.armed = step
        later = self.rng.randint(0, 6)
        second = self.rng.random() < 0.3
        victim = self.rng.randrange(2)
        if self.armed is not None and self.alive and (queued or step - self.armed >= 5):
            self.armed = None
            running = await _until_running(0.5 if queued else 0.0)
            worker = self.alive.pop(victim % len(self.alive))
            worker.kill9()
            self.dead.append(worker)
            self.kills.append(Kill(step, datetime.now(UTC), running))
            if not self.alive:
                self.ready_at = None
            self.restart_at = step + later
            events.append("kill -9 a worker")  # whether it held jobs is timing: not traced
        if self.restart_at is not None and step >= self.restart_at:
            self.restart_at = None
            wanted = 2 if second else 1
            while len(self.alive) < wanted:
                self.start()
            events.append(f"{wanted} worker(s) up")
        return "; ".join(events) or None

    def stop(self) -> None:
        for worker in self.alive:
            worker.stop()
        for worker in self.alive + self.dead:
            worker.log.unlink(missing_ok=True)
        self.alive.clear()
        self.dead.clear()
        forget_leftovers()

    def tail(self) -> str:
        return "\n".join(f"--- worker log ---\n{w.tail(30)}" for w in self.alive + self.dead[-1:])


async def _until_running(seconds: float) -> int:
    """Waits up to `seconds` for a claimed (running) outbox job; returns how many run."""
    deadline = time.monotonic() + seconds
    while True:
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "SELECT count(*)::int AS n FROM outbox_job WHERE status = 'running'"
        )
        running = int(rows[0]["n"])
        if running or time.monotonic() >= deadline:
            return running
        await asyncio.sleep(0.003)
