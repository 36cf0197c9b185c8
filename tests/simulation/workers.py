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

# Housekeeping (expired holds, vouchers, payment requests) every second in the simulation.
WORKER_SETTINGS: dict[str, Any] = {"housekeeping_seconds": 1}


def patch_settings() -> dict[str, Any]:
    """Gives this process the workers' job settings (leases, sweep); returns the old values."""
    settings = get_settings()
    old = {name: getattr(settings, name) for name in FAST_JOBS}
    for name, value in FAST_JOBS.items():
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
    ready_at: datetime | None = None  # when the newest worker was ready (or None: unknown)

    def start(self) -> WorkerProcess:
        forget_health_checks()
        worker = WorkerProcess(**WORKER_SETTINGS).start()
        self.alive.append(worker)
        self.starts += 1
        self.ready_at = None
        return worker

    async def ensure_ready(self) -> None:
        """At least one worker, and the newest one answering (its health checks written)."""
        if not self.alive:
            self.start()
        if self.ready_at is None:
            await asyncio.to_thread(self.alive[-1].wait_ready)
            self.ready_at = datetime.now(UTC)

    async def after_step(self, step: int) -> str | None:
        """Maybe kills a worker, maybe restarts: drawn from the pool's own generator."""
        if self.kill_every <= 0:
            return None
        events = []
        kill = self.rng.random() < 1 / self.kill_every
        delay = self.rng.uniform(0, 0.15)
        victim = self.rng.randrange(2)
        later = self.rng.randint(0, 6)
        second = self.rng.random() < 0.3
        if kill and self.alive:
            await asyncio.sleep(delay)  # the jobs of the step are being taken or run
            worker = self.alive.pop(victim % len(self.alive))
            running = await _running_jobs()
            worker.kill9()
            self.dead.append(worker)
            self.kills.append(Kill(step, datetime.now(UTC), running))
            self.restart_at = step + later
            events.append(f"kill -9 worker ({running} jobs running)")
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


async def _running_jobs() -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT count(*)::int AS n FROM outbox_job WHERE status = 'running'"
    )
    return int(rows[0]["n"])


def monotonic() -> float:
    return time.monotonic()
