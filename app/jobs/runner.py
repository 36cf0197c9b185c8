"""Runs one outbox job: claimed atomically, so any number of wake-ups run it at most once at a
time; resumable after a crash (the claim is a lease that runs out)."""

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from tortoise import Tortoise

from app.config import get_settings
from app.faults import is_transient
from app.jobs import clock, queue, schedule
from app.jobs.models import JobStatus
from app.jobs.outbox import collecting, relay_collected
from app.jobs.queue import TransientJobError
from app.jobs.registry import handler_for
from app.metrics import JOBS_FINISHED

log = logging.getLogger(__name__)

# The claim: pending and due, or left running by a worker whose lease ran out.
_CLAIM = (
    "UPDATE outbox_job SET status = 'running', attempts = attempts + 1, lease_until = $3"
    " WHERE id = $1 AND (status = 'pending' OR (status = 'running' AND lease_until <= $2))"
    " AND (run_after IS NULL OR run_after <= $2)"
    " RETURNING name, payload, attempts, created_at, progress"
)
# Every later write names the attempt it belongs to, so a worker that lost its lease (and
# whose job was claimed again) changes nothing.
_MINE = "id = $1 AND status = 'running' AND attempts = $2"
_SAVE = (
    "WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true) AS v)"
    f" UPDATE outbox_job SET progress = $3 FROM lazy WHERE lazy.v = 'off' AND {_MINE}"
)
# PostgreSQL errors worth another attempt: connection lost, serialization failure or
# deadlock, out of resources, statement timeout, server shutting down.


@dataclass(frozen=True)
class Claim:
    job_id: int
    name: str
    payload: dict[str, Any]
    attempt: int
    created: datetime
    progress: int = 0

    @property
    def final(self) -> bool:
        return self.attempt >= schedule.max_tries(self.name)


_current: ContextVar[Claim | None] = ContextVar("outbox_current_job", default=None)


def current_attempt() -> int | None:
    """Inside a job: which attempt this is (1 for the first). Outside: None."""
    claim = _current.get()
    return None if claim is None else claim.attempt


def final_attempt() -> bool | None:
    """Inside a job: whether this attempt is its last (no retry follows). Outside: None."""
    claim = _current.get()
    return None if claim is None else claim.final


def current_progress() -> int:
    """Inside a job: the progress its earlier attempts recorded (0 at first). Outside: 0."""
    claim = _current.get()
    return 0 if claim is None else claim.progress


async def save_progress(progress: int) -> None:
    """Inside a job: records how far it got, so a retry resumes there (current_progress). A
    worker that lost its lease records nothing. Outside a job: does nothing.

    Committed without waiting for the WAL flush (synchronous_commit off for this statement's
    own transaction): a lot of emails saves after every message, and the flush was half of
    each save's time. A killed worker loses nothing by it; only a crash of PostgreSQL itself
    can lose the last saves, and the retry then redoes those few steps."""
    claim = _current.get()
    if claim is None:
        return
    await Tortoise.get_connection("default").execute_query(
        _SAVE, [claim.job_id, claim.attempt, progress]
    )


async def run_job(job_id: int) -> str:
    """Claims the outbox job, runs its handler and records the outcome; returns the outcome."""
    claim = await _claim(job_id)
    if claim is None:
        return "skipped"  # done, running elsewhere, or not due yet: a duplicate wake-up
    if claim.attempt > schedule.max_tries(claim.name):
        return await _finish(claim, JobStatus.FAILED, "gave up: its workers kept dying")
    handler = handler_for(claim.name)
    if handler is None:
        return await _finish(claim, JobStatus.FAILED, f"no handler for job {claim.name!r}")
    token = _current.set(claim)
    try:
        async with collecting() as ids:
            async with asyncio.timeout(get_settings().job_timeout_seconds):
                await handler(**claim.payload)
    except asyncio.CancelledError:
        await asyncio.shield(_hand_back(claim))
        raise
    except Exception as exc:
        if is_transient(exc, TransientJobError):
            return await _retry_or_give_up(claim, exc)
        log.exception("job failed", extra={"job_id": job_id, "job": claim.name})
        JOBS_FINISHED.labels(claim.name, "failed").inc()
        return await _finish(claim, JobStatus.FAILED, repr(exc))
    finally:
        _current.reset(token)
    await relay_collected(ids)
    JOBS_FINISHED.labels(claim.name, "done").inc()
    return await _finish(claim, JobStatus.DONE, "")


async def _claim(job_id: int) -> Claim | None:
    now = clock.now()
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _CLAIM, [job_id, now, now + schedule.run_lease()]
    )
    if not rows:
        return None
    row = rows[0]
    payload = row["payload"]
    return Claim(
        job_id=job_id,
        name=row["name"],
        payload=orjson.loads(payload) if isinstance(payload, str | bytes) else payload,
        attempt=int(row["attempts"]),
        created=row["created_at"],
        progress=int(row["progress"]),
    )


async def _retry_or_give_up(claim: Claim, exc: Exception) -> str:
    if claim.final:
        JOBS_FINISHED.labels(claim.name, "failed").inc()
        return await _finish(claim, JobStatus.FAILED, f"gave up: {exc!r}")
    JOBS_FINISHED.labels(claim.name, "retried").inc()
    now = clock.now()
    run_after = now + timedelta(seconds=schedule.retry_delay(claim.attempt, job=claim.name))
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "UPDATE outbox_job SET status = 'pending', run_after = $3, lease_until = $4,"
        " relays = relays + 1, relayed_at = $5, last_error = $6"
        f" WHERE {_MINE} RETURNING relays",
        [
            claim.job_id,
            claim.attempt,
            run_after,
            run_after + schedule.pickup_lease(),
            now,
            repr(exc)[:2000],
        ],
    )
    if rows:
        await _wake_up_at(claim, int(rows[0]["relays"]), run_after)
    return "retry"


async def _wake_up_at(claim: Claim, relay: int, run_after: datetime) -> None:
    try:
        await queue.push(
            ref=queue.job_ref(claim.job_id, claim.created, relay),
            job_id=claim.job_id,
            name=claim.name,
            run_after=run_after,
        )
    except Exception as exc:  # the sweep hands it over once it is due and the lease has ended
        log.warning("queueing a retry failed: %r", exc, extra={"job_id": claim.job_id})


async def _hand_back(claim: Claim) -> None:
    """A cancelled attempt (worker shutting down): the job may be claimed again at once."""
    try:
        await Tortoise.get_connection("default").execute_query(
            f"UPDATE outbox_job SET status = 'pending', lease_until = $3 WHERE {_MINE}",
            [claim.job_id, claim.attempt, clock.now() + schedule.pickup_lease()],
        )
    except Exception:  # its lease runs out instead
        log.warning("handing back a cancelled job failed", exc_info=True)


async def _finish(claim: Claim, status: JobStatus, error: str) -> str:
    # Payloads may hold one-time links; a finished job keeps only its name and outcome.
    count, _ = await Tortoise.get_connection("default").execute_query(
        "UPDATE outbox_job SET status = $3, finished_at = $4, last_error = $5,"
        f" payload = '{{}}'::jsonb, lease_until = NULL WHERE {_MINE}",
        [claim.job_id, claim.attempt, status.value, clock.now(), error[:2000]],
    )
    if not count:
        log.warning("job outcome not recorded: its lease ran out", extra={"job_id": claim.job_id})
        return "lost"
    return status.value
