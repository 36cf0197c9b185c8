"""Writing outbox rows and relaying them to the queue."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from tortoise import Tortoise

from app.config import get_settings
from app.jobs import queue
from app.jobs.models import JobStatus, OutboxJob

log = logging.getLogger(__name__)

_collected: ContextVar[list[int] | None] = ContextVar("outbox_collected", default=None)


async def enqueue(
    name: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    run_after: datetime | None = None,
) -> int | None:
    """Writes a job to the outbox in the current transaction; returns its id (None: key taken)."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "INSERT INTO outbox_job (name, payload, key, status, attempts, run_after, last_error,"
        " created_at) VALUES ($1, $2, $3, 'pending', 0, $4, '', now())"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        [name, orjson.dumps(payload).decode(), key, run_after],
    )
    if not rows:
        return None
    job_id = int(rows[0]["id"])
    collected = _collected.get()
    if collected is not None:
        collected.append(job_id)
    return job_id


async def enqueue_many(name: str, payloads: list[dict[str, Any]], keys: list[str]) -> list[int]:
    """Writes many jobs of one kind in one statement (keys make each exactly-once)."""
    if not payloads:
        return []
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "INSERT INTO outbox_job (name, payload, key, status, attempts, last_error, created_at)"
        " SELECT $1, p::jsonb, k, 'pending', 0, '', now()"
        " FROM unnest($2::text[], $3::text[]) AS t(p, k)"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        [name, [orjson.dumps(p).decode() for p in payloads], keys],
    )
    ids = [int(r["id"]) for r in rows]
    collected = _collected.get()
    if collected is not None:
        collected.extend(ids)
    return ids


@asynccontextmanager
async def collecting() -> AsyncIterator[list[int]]:
    """Collects the ids enqueued inside the block, so the caller can relay them after commit."""
    ids: list[int] = []
    token = _collected.set(ids)
    try:
        yield ids
    finally:
        _collected.reset(token)


async def relay_collected(ids: list[int]) -> None:
    if ids:
        await relay_ids(ids)


async def relay_ids(ids: list[int]) -> int:
    """Hands committed pending jobs to the queue; rows not (or no longer) visible are skipped."""
    jobs = await OutboxJob.filter(id__in=ids, status=JobStatus.PENDING)
    return await _push(jobs)


async def sweep() -> int:
    """Re-relays pending jobs that were never handed over or whose hand-off went stale."""
    settings = get_settings()
    now = datetime.now(UTC)
    # Rows younger than this may still be relayed by the request that wrote them.
    stale = now - timedelta(seconds=settings.outbox_stale_seconds)
    jobs = (
        await OutboxJob.filter(status=JobStatus.PENDING, created_at__lte=stale)
        .filter(relayed_at__isnull=True)
        .order_by("id")
        .limit(500)
    )
    jobs += (
        await OutboxJob.filter(status=JobStatus.PENDING, relayed_at__lte=stale)
        .order_by("id")
        .limit(500)
    )
    return await _push(jobs)


async def _push(jobs: list[OutboxJob]) -> int:
    pushed: list[int] = []
    for job in jobs:
        try:
            await queue.push(
                job_id=job.id, attempt=job.attempts, created=job.created_at, run_after=job.run_after
            )
        except Exception as exc:  # queue down: the sweep will try again
            log.warning("outbox relay failed: %r", exc, extra={"job_id": job.id})
            break
        pushed.append(job.id)
    if pushed:
        await OutboxJob.filter(id__in=pushed).update(relayed_at=datetime.now(UTC))
    return len(pushed)
