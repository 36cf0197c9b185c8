"""Runs one outbox job: at most once to completion, resumable after a crash."""

import logging
from datetime import UTC, datetime

from tortoise.expressions import F

from app.config import get_settings
from app.jobs.models import JobStatus, OutboxJob
from app.jobs.outbox import collecting, relay_collected
from app.jobs.queue import TransientJobError, retry_later
from app.jobs.registry import handler_for
from app.metrics import JOBS_FINISHED

log = logging.getLogger(__name__)


async def run_job(job_id: int) -> str:
    """Runs the handler of a pending outbox job and records the outcome; returns it."""
    job = await OutboxJob.get_or_none(id=job_id)
    if job is None or job.status != JobStatus.PENDING:
        return "skipped"
    await OutboxJob.filter(id=job_id).update(attempts=F("attempts") + 1)
    attempts = job.attempts + 1
    handler = handler_for(job.name)
    if handler is None:
        return await _finish(job_id, JobStatus.FAILED, f"no handler for job {job.name!r}")
    try:
        async with collecting() as ids:
            await handler(**job.payload)
    except TransientJobError as exc:
        if attempts >= get_settings().job_max_tries:
            return await _finish(job_id, JobStatus.FAILED, f"gave up: {exc}")
        await OutboxJob.filter(id=job_id).update(last_error=str(exc)[:2000])
        JOBS_FINISHED.labels(job.name, "retried").inc()
        base = get_settings().job_retry_base_seconds
        raise retry_later(seconds=min(300.0, base * 2**attempts)) from exc
    except Exception as exc:
        log.exception("job failed", extra={"job_id": job_id, "job": job.name})
        JOBS_FINISHED.labels(job.name, "failed").inc()
        return await _finish(job_id, JobStatus.FAILED, repr(exc))
    await relay_collected(ids)
    JOBS_FINISHED.labels(job.name, "done").inc()
    return await _finish(job_id, JobStatus.DONE, "")


async def _finish(job_id: int, status: JobStatus, error: str) -> str:
    # Payloads may hold one-time links; a finished job keeps only its name and outcome.
    await OutboxJob.filter(id=job_id).update(
        status=status, finished_at=datetime.now(UTC), last_error=error[:2000], payload={}
    )
    return status.value
