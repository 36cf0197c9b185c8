"""Real `communityhub worker` processes for fault tests, with short job timeouts."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import redis

from app.config import get_settings
from app.jobs.queue import bulk_queue_name, periodic_queue_name, queue_name

COMMUNITYHUB = str(Path(sys.executable).parent / "communityhub")

# Job settings of the fault tests, for the test process and its workers alike: a job is cut
# off after 4 s and swept every second, so a dead worker's jobs are back within 8 s.
FAST_JOBS = {
    "job_timeout_seconds": 4,
    "outbox_stale_seconds": 3,
    "outbox_sweep_seconds": 1,
    "webhook_timeout_seconds": 3.0,
}


def env_of(settings: dict[str, Any]) -> dict[str, str]:
    return {f"CH_{name.upper()}": str(value) for name, value in settings.items()}


class WorkerProcess:
    """One `communityhub worker` (jobs and periodic workers) with its log in a file."""

    def __init__(self, **settings: Any) -> None:
        self.env = os.environ | env_of(FAST_JOBS | settings)
        self.log = Path(tempfile.mkstemp(prefix="ch-worker-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [COMMUNITYHUB, "worker"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until all three of its arq workers have written their health check."""
        settings = get_settings()
        client = redis.Redis.from_url(self.env["CH_REDIS_URL"])
        queues = (queue_name(settings), bulk_queue_name(settings), periodic_queue_name(settings))
        keys = [f"{q}:health-check" for q in queues]
        deadline = time.monotonic() + timeout
        try:
            while cast(int, client.exists(*keys)) < len(keys):
                assert self.process is not None and self.process.poll() is None, self.tail()
                assert time.monotonic() < deadline, "worker not ready\n" + self.tail()
                time.sleep(0.05)
        finally:
            client.close()

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def forget_health_checks() -> None:
    """So that waiting for a new worker's health check does not see a dead one's."""
    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url)
    try:
        for q in (queue_name(settings), bulk_queue_name(settings), periodic_queue_name(settings)):
            client.delete(f"{q}:health-check")
    finally:
        client.close()


def forget_leftovers() -> None:
    """Queue entries a killed worker took (their jobs were done again meanwhile) and cron ticks
    queued ahead: the suite's burst workers would otherwise wait for them."""
    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url)
    try:
        for q in (queue_name(settings), bulk_queue_name(settings), periodic_queue_name(settings)):
            for raw in cast(list[bytes], client.zrange(q, 0, -1)):
                ref = raw.decode()
                if client.exists(f"arq:in-progress:{ref}") or ":cron:" in ref:
                    client.zrem(q, ref)
                    client.delete(f"arq:job:{ref}", f"arq:in-progress:{ref}", f"arq:retry:{ref}")
    finally:
        client.close()


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`workers()` starts a worker process; all are stopped after the test."""
    for name, value in FAST_JOBS.items():
        monkeypatch.setattr(get_settings(), name, value)
    started: list[WorkerProcess] = []

    def start(**settings: Any) -> WorkerProcess:
        forget_health_checks()
        worker = WorkerProcess(**settings).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
        worker.log.unlink(missing_ok=True)
    forget_leftovers()
