"""Writing outbox rows and handing them to the queue (relay after commit, and the sweep)."""

import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import orjson
from tortoise import Tortoise

from app.jobs import clock, queue, schedule

log = logging.getLogger(__name__)

_collected: ContextVar[list[int] | None] = ContextVar("outbox_collected", default=None)
SWEEP_BATCH = 500

# A hand-over takes the row's lease: until the job is due plus the pickup lease, nobody else
# hands it over. `first` is the relay after commit (never handed over yet); `swept`, the
# sweep's (due, and whatever held it let go or died).
# A row someone else is writing (a claim, another hand-over) is theirs: skipped, not waited for.
_TAKE = (
    "UPDATE outbox_job SET status = 'pending', relays = relays + 1,"
    " lease_until = greatest($2, coalesce(run_after, $2)) + $3::interval"
    " WHERE id IN (SELECT id FROM outbox_job WHERE id = ANY($1::bigint[]) AND {condition}"
    " ORDER BY id FOR UPDATE SKIP LOCKED)"
    " RETURNING id, name, relays, created_at, run_after"
)
_FIRST = "status = 'pending' AND relays = 0"


def _swept(now: str) -> str:
    return (
        f"status IN ('pending', 'running') AND lease_until <= {now}"
        f" AND (run_after IS NULL OR run_after <= {now})"
    )


async def enqueue(
    name: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    run_after: datetime | None = None,
    wake_when_due: bool = False,
) -> int | None:
    """Writes a job to the outbox in the current transaction; returns its id (None: key taken).

    `wake_when_due` (a job days ahead, e.g. a campaign's settlement at its deadline): no queue
    entry waits for it meanwhile; the row alone holds the schedule, counted as handed over to
    the sweep, which hands it to the queue once `run_after` has come (within
    CH_OUTBOX_SWEEP_SECONDS).
    """
    conn = Tortoise.get_connection("default")
    later = wake_when_due and run_after is not None
    rows = await conn.execute_query_dict(
        "INSERT INTO outbox_job (name, payload, key, status, attempts, relays, run_after,"
        " lease_until, last_error, created_at)"
        " VALUES ($1, $2, $3, 'pending', 0, $6, $4, $5, '', now())"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        [
            name,
            orjson.dumps(payload).decode(),
            key,
            run_after,
            run_after if later else _relay_window(),
            1 if later else 0,
        ],
    )
    if not rows:
        return None
    job_id = int(rows[0]["id"])
    collected = _collected.get()
    if collected is not None and not later:
        collected.append(job_id)
    return job_id


async def enqueue_many(name: str, payloads: list[dict[str, Any]], keys: list[str]) -> list[int]:
    """Writes many jobs of one kind in one statement (keys make each exactly-once)."""
    if not payloads:
        return []
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "INSERT INTO outbox_job (name, payload, key, status, attempts, relays, lease_until,"
        " last_error, created_at)"
        " SELECT $1, p::jsonb, k, 'pending', 0, 0, $4, '', now()"
        " FROM unnest($2::text[], $3::text[]) AS t(p, k)"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        [name, [orjson.dumps(p).decode() for p in payloads], keys, _relay_window()],
    )
    ids = [int(r["id"]) for r in rows]
    collected = _collected.get()
    if collected is not None:
        collected.extend(ids)
    return ids


async def waiting_values(name: str, field: str) -> list[int]:
    """`payload[field]` of every job `name` not finished yet (queued, retrying or running):
    what a batching job takes along with its own (e.g. every opportunity published and not
    matched yet). Reads the status index; finished jobs are not looked at."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT DISTINCT (payload->>$2)::bigint AS v FROM outbox_job"
        " WHERE status IN ('pending', 'running') AND name = $1 AND payload ? $2",
        [name, field],
    )
    return [int(r["v"]) for r in rows]


def _relay_window() -> datetime:
    # The writer relays its rows after commit; the sweep leaves them alone until then.
    return clock.now() + schedule.pickup_lease()


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
    """Hands committed jobs to the queue, once; rows not (or no longer) visible are skipped."""
    return await _hand_over(ids, _FIRST, clock.now())


async def sweep() -> int:
    """Hands over again every due job whose lease ran out; returns how many it handed over.

    A job whose last hand-over still waits in the queue (a backlog, or a planned retry) only
    gets a longer lease: handing it over again would just queue a duplicate.
    """
    now = clock.now()
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT id, name, relays, created_at FROM outbox_job WHERE {_swept('$1')}"
        " ORDER BY lease_until LIMIT $2",
        [now, SWEEP_BATCH],
    )
    if not rows:
        return 0
    refs = {
        int(r["id"]): queue.job_ref(r["id"], r["created_at"], r["relays"])
        for r in rows
        if r["relays"] > 0
    }
    names = {int(r["id"]): str(r["name"]) for r in rows}
    try:
        waiting = await queue.waiting({ref: names[job_id] for job_id, ref in refs.items()})
    except Exception as exc:  # queue down: nothing can be handed over either
        log.warning("outbox sweep cannot reach the queue: %r", exc)
        return 0
    queued = [job_id for job_id, ref in refs.items() if ref in waiting]
    if queued:
        await _extend_leases(queued, now)
    due = [int(r["id"]) for r in rows if r["id"] not in queued]
    return await _hand_over(due, _swept("$2"), now)


async def _extend_leases(ids: list[int], now: datetime) -> None:
    await Tortoise.get_connection("default").execute_query(
        "UPDATE outbox_job SET lease_until = $3 WHERE id IN (SELECT id FROM outbox_job"
        f" WHERE id = ANY($1::bigint[]) AND {_swept('$2')} ORDER BY id FOR UPDATE SKIP LOCKED)",
        [ids, now, now + schedule.pickup_lease()],
    )


async def _hand_over(ids: list[int], condition: str, now: datetime) -> int:
    if not ids:
        return 0
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _TAKE.format(condition=condition), [ids, now, schedule.pickup_lease()]
    )
    pushed: list[int] = []
    for row in rows:
        run_after = row["run_after"]
        try:
            await queue.push(
                ref=queue.job_ref(row["id"], row["created_at"], row["relays"]),
                job_id=row["id"],
                name=row["name"],
                run_after=run_after if run_after is not None and run_after > now else None,
            )
        except Exception as exc:  # queue down: the sweep hands them over once the lease ends
            log.warning("outbox relay failed: %r", exc, extra={"job_id": row["id"]})
            break
        pushed.append(row["id"])
    if pushed:
        await Tortoise.get_connection("default").execute_query(
            "UPDATE outbox_job SET relayed_at = $2 WHERE id = ANY($1::bigint[])", [pushed, now]
        )
        with contextlib.suppress(Exception):  # no wake-up: the workers' next poll finds them
            await queue.wake()
    return len(pushed)
