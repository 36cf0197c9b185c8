"""The only module that talks to arq, so the queue can be swapped without touching the rest.

Every Redis key arq writes for us carries the installation's prefix (CH_REDIS_PREFIX): the
queues are `<prefix>:queue` and `<prefix>:periodic`, their health checks `<queue>:health-check`,
and every job id, cron ticks included, starts with `<prefix>:`, so arq's own keys read
`arq:job:<prefix>:...`, `arq:in-progress:<prefix>:...`, `arq:retry:<prefix>:...` and
`arq:result:<prefix>:...`. The one key arq shares between installations is `arq:abort`, a
set of job ids to abort (ours carry the prefix, so one installation never aborts another's).
"""

import asyncio
import functools
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import redis.exceptions
from arq import Worker, cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.constants import in_progress_key_prefix
from arq.worker import func

from app.config import Settings, get_settings
from app.jobs import schedule

log = logging.getLogger(__name__)

RUN_OUTBOX_JOB = "run_outbox_job"
_pools: dict[int, ArqRedis] = {}

TaskFn = Callable[..., Awaitable[Any]]


class TransientJobError(Exception):
    """Raised by job code for failures worth retrying later (network, locks, a peer down)."""


def queue_name(settings: Settings | None = None) -> str:
    """The queue of outbox jobs and the outbox sweep: every job here is short."""
    return f"{(settings or get_settings()).redis_prefix}:queue"


def bulk_queue_name(settings: Settings | None = None) -> str:
    """The queue of bulk work (BULK_JOBS), taken a few at a time by each worker process."""
    return f"{(settings or get_settings()).redis_prefix}:bulk"


# Outbox jobs that are lots of work of one kind: the matching batch's email lots (a burst of
# 200 listings queues ~200 lots of 100 emails, ~100 ms of CPU each). On the jobs queue ten of
# them ran at once in each worker's event loop, beside the matching job they slowed tenfold.
BULK_JOBS = frozenset({"send_emails"})


def queue_for(name: str) -> str:
    """The queue an outbox job named `name` is handed to."""
    return bulk_queue_name() if name in BULK_JOBS else queue_name()


def periodic_queue_name(settings: Settings | None = None) -> str:
    """The queue of long periodic work (housekeeping, digests), so it never delays a job."""
    return f"{(settings or get_settings()).redis_prefix}:periodic"


def redis_settings(settings: Settings | None = None) -> RedisSettings:
    rs = RedisSettings.from_dsn((settings or get_settings()).redis_url)
    rs.conn_timeout = 1
    rs.conn_retries = 0
    return rs


async def _pool() -> ArqRedis:
    loop_id = id(asyncio.get_running_loop())
    pool = _pools.get(loop_id)
    if pool is None:
        pool = await create_pool(redis_settings(), default_queue_name=queue_name())
        _pools[loop_id] = pool
    return pool


async def close_pools() -> None:
    loop_id = id(asyncio.get_running_loop())
    pool = _pools.pop(loop_id, None)
    if pool is not None:
        await pool.aclose()


def job_ref(job_id: int, created: datetime, relay: int) -> str:
    """The queue id of one hand-over of an outbox job.

    It carries the key prefix and the row's creation time (a re-created database, ids from 1
    again, never meets old results), and the hand-over number: a new hand-over is never
    blocked by keys a dead worker left for an earlier one.
    """
    return f"{get_settings().redis_prefix}:outbox:{job_id}:{created.timestamp():.6f}:{relay}"


async def _with_pool(use: Callable[[ArqRedis], Awaitable[Any]]) -> Any:
    """Runs `use` on this loop's pool; a pool whose connections died (Redis restarted) is
    replaced and tried once more."""
    for attempt in (1, 2):
        try:
            return await use(await _pool())
        except Exception:
            await _drop_pool()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def push(*, ref: str, job_id: int, name: str, run_after: datetime | None) -> None:
    """Queues one hand-over of outbox job `name`, to run at `run_after` (None: now)."""
    await _with_pool(
        lambda pool: pool.enqueue_job(
            RUN_OUTBOX_JOB, job_id, _job_id=ref, _queue_name=queue_for(name), _defer_until=run_after
        )
    )


def wake_channel(settings: Settings | None = None) -> str:
    """Where a push tells the jobs queue's workers to look now instead of at their next poll."""
    return f"{queue_name(settings)}:wake"


async def wake() -> None:
    """Tells the jobs queue's workers that jobs are due now (one message for any number of
    pushes): a single publish's matching job starts within a round trip, not half a poll later
    on average."""
    await _with_pool(lambda pool: pool.publish(wake_channel(), b"1"))


async def waiting(refs: Mapping[str, str]) -> set[str]:
    """The hand-overs still waiting in their queue (`refs`: hand-over → job name): queued (or
    deferred) and taken by no worker."""
    if not refs:
        return set()

    async def ask(pool: ArqRedis) -> list[Any]:
        async with pool.pipeline(transaction=False) as pipe:
            for ref, name in refs.items():
                pipe.zscore(queue_for(name), ref)
                pipe.exists(in_progress_key_prefix + ref)
            return list(await pipe.execute())

    answers = await _with_pool(ask)
    return {
        ref
        for ref, score, taken in zip(refs, answers[::2], answers[1::2], strict=True)
        if score is not None and not taken
    }


async def _drop_pool() -> None:
    pool = _pools.pop(id(asyncio.get_running_loop()), None)
    if pool is not None:
        try:
            await pool.aclose()
        except Exception:  # already broken
            log.debug("closing a broken redis pool failed", exc_info=True)


@dataclass(frozen=True)
class Periodic:
    fn: TaskFn
    every_seconds: int
    timeout: int | None = None  # None: the job timeout
    at_hour: int | None = None  # once a day at this hour (UTC), minute 0; not at startup


def _one_at_a_time(fn: TaskFn) -> TaskFn:
    """A tick that finds the previous one still running (slow, or waiting on a lock) is
    skipped instead of piling up and taking every database connection of the worker: each
    periodic task is a sweep that the next tick continues."""
    running = asyncio.Lock()

    @functools.wraps(fn)
    async def tick(ctx: dict[str, Any]) -> Any:
        if running.locked():
            return "skipped: the previous tick is still running"
        async with running:
            return await fn(ctx)

    return tick


def _cron(p: Periodic, settings: Settings) -> Any:
    every = max(1, p.every_seconds)
    if p.at_hour is not None:
        return cron(
            cast(Any, _one_at_a_time(p.fn)),
            name=f"{settings.redis_prefix}:cron:{p.fn.__name__}",
            hour=p.at_hour,
            minute=0,
            unique=True,
            timeout=p.timeout or settings.job_timeout_seconds,
            run_at_startup=False,
        )
    return cron(
        cast(Any, _one_at_a_time(p.fn)),
        # Prefixed, so two installations on one Redis never share a cron tick's job id.
        name=f"{settings.redis_prefix}:cron:{p.fn.__name__}",
        second=set(range(0, 60, every)) if every < 60 else 0,
        minute=None if every < 60 else set(range(0, 60, every // 60)),
        unique=True,
        timeout=p.timeout or settings.job_timeout_seconds,
        run_at_startup=True,
    )


def worker_settings(
    *,
    tasks: Sequence[TaskFn],
    periodic: Sequence[Periodic],
    queue: str | None = None,
    burst: bool = False,
    max_jobs: int | None = None,
) -> dict[str, Any]:
    """Keyword arguments for an arq Worker: tight timeouts, short result keeping, health checks.

    arq holds a taken job for the longest timeout of its worker + 10 s, so a queue's worker
    only runs work of one size: jobs here, long periodic work on its own queue.
    """
    settings = get_settings()
    # The runner cuts a job off at job_timeout itself; arq's limit only covers the bookkeeping.
    timeout = int(schedule.run_lease(settings).total_seconds())
    return {
        "functions": [
            func(cast(Any, t), timeout=timeout, max_tries=settings.job_max_tries) for t in tasks
        ],
        "cron_jobs": [_cron(p, settings) for p in periodic],
        "redis_settings": redis_settings(settings),
        "queue_name": queue or queue_name(settings),
        "max_jobs": max_jobs or settings.worker_max_jobs,
        "job_timeout": timeout,
        "keep_result": 60,
        "health_check_interval": 30,
        "allow_abort_jobs": True,
        "job_completion_wait": 20,
        "burst": burst,
        # Jobs due now wake the jobs queue's workers (`wake`); its poll finds deferred jobs
        # (retries) and anything a lost wake-up missed. Periodic work is not in a hurry.
        "poll_delay": 0.05 if burst else 0.2 if queue is None else 0.5,
    }


def make_worker(**kwargs: Any) -> Worker:
    return Worker(**kwargs)


async def _run_through_outages(worker: Worker) -> None:
    """arq's loop ends at the first Redis error it meets; a worker process outlives a Redis
    restart instead, polling again every second until Redis answers (the outbox sweep then
    hands over whatever the restart lost)."""
    while True:
        try:
            await worker.async_run()
            return
        except (redis.exceptions.RedisError, OSError) as exc:  # WatchError too, mid-restart
            log.warning("queue unreachable, worker waits: %r", exc)
            await asyncio.sleep(1)


async def _poll_when_woken(worker: Worker) -> None:
    """Polls `worker`'s queue as soon as a push says jobs are due (`wake`), besides arq's own
    poll. Pushes while a poll runs are folded into one more poll. Redis unreachable: waits a
    second and subscribes again (arq's poll goes on meanwhile)."""
    woken = asyncio.Event()
    while True:
        client = None
        try:
            client = await create_pool(redis_settings())
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(wake_channel())
                reader = asyncio.ensure_future(_note_wakes(pubsub, woken))
                try:
                    while not reader.done():
                        await woken.wait()
                        woken.clear()
                        if worker._pool is not None:  # arq's main() has started
                            await worker._poll_iteration()
                    reader.result()
                finally:
                    reader.cancel()
        except (redis.exceptions.RedisError, OSError) as exc:
            log.debug("wake-ups unavailable, polling only: %r", exc)
            await asyncio.sleep(1)
        finally:
            if client is not None:
                await client.aclose()


async def _note_wakes(pubsub: Any, woken: asyncio.Event) -> None:
    async for message in pubsub.listen():
        if message.get("type") == "message":
            woken.set()


async def run_workers(configs: Sequence[dict[str, Any]]) -> None:
    """Runs arq workers side by side until SIGTERM/SIGINT (or, in burst mode, an empty queue).

    On a signal every worker stops taking jobs and lets running ones finish for
    `job_completion_wait` seconds; the rest are cancelled, and the runner hands them back.
    """
    workers = [Worker(**config, handle_signals=False) for config in configs]
    loop = asyncio.get_running_loop()

    def stop(signum: signal.Signals) -> None:
        for worker in workers:
            worker.handle_sig_wait_for_completion(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    wakers = [
        asyncio.ensure_future(_poll_when_woken(worker))
        for worker, config in zip(workers, configs, strict=True)
        if config["queue_name"] == queue_name() and not config["burst"]
    ]
    try:
        runs = [asyncio.ensure_future(_run_through_outages(worker)) for worker in workers]
        for done in asyncio.as_completed(runs):
            try:
                await done
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # we are being cancelled, not just one worker stopped by a signal
    finally:
        for waker in wakers:
            waker.cancel()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        for worker in workers:
            await worker.close()
