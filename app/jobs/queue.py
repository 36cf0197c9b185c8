"""The only module that talks to arq, so the queue can be swapped without touching the rest."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from arq import Retry, Worker, cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import func

from app.config import Settings, get_settings

log = logging.getLogger(__name__)

RUN_OUTBOX_JOB = "run_outbox_job"
_pools: dict[int, ArqRedis] = {}

TaskFn = Callable[..., Awaitable[Any]]


class TransientJobError(Exception):
    """Raised by job code for failures worth retrying later (network, locks, a peer down)."""


def queue_name(settings: Settings | None = None) -> str:
    return f"{(settings or get_settings()).redis_prefix}:queue"


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


async def push(*, job_id: int, attempt: int, created: datetime, run_after: datetime | None) -> None:
    """Queues the outbox job; the arq job id makes a second push of the same attempt a no-op.

    arq job ids share one Redis namespace, so they carry the key prefix and the row's creation
    time: a re-created database (ids from 1 again) never collides with old results.
    """
    arq_id = f"{get_settings().redis_prefix}:outbox:{job_id}:{created.timestamp():.6f}:{attempt}"
    try:
        pool = await _pool()
        await pool.enqueue_job(
            RUN_OUTBOX_JOB,
            job_id,
            _job_id=arq_id,
            _queue_name=queue_name(),
            _defer_until=run_after,
        )
    except Exception:
        await _drop_pool()
        raise


async def _drop_pool() -> None:
    pool = _pools.pop(id(asyncio.get_running_loop()), None)
    if pool is not None:
        try:
            await pool.aclose()
        except Exception:  # already broken
            log.debug("closing a broken redis pool failed", exc_info=True)


def retry_later(*, seconds: float) -> Exception:
    return Retry(defer=seconds)


@dataclass(frozen=True)
class Periodic:
    fn: TaskFn
    every_seconds: int
    timeout: int = 60


def worker_settings(
    *,
    tasks: Sequence[TaskFn],
    periodic: Sequence[Periodic],
    on_startup: TaskFn,
    on_shutdown: TaskFn,
    burst: bool = False,
) -> dict[str, Any]:
    """Keyword arguments for an arq Worker: tight timeouts, short result keeping, health checks."""
    settings = get_settings()
    return {
        "functions": [
            func(
                cast(Any, t), timeout=settings.job_timeout_seconds, max_tries=settings.job_max_tries
            )
            for t in tasks
        ],
        "cron_jobs": [
            cron(
                cast(Any, p.fn),
                second=set(range(0, 60, max(1, p.every_seconds))) if p.every_seconds < 60 else 0,
                minute=None if p.every_seconds < 60 else set(range(0, 60, p.every_seconds // 60)),
                unique=True,
                timeout=p.timeout,
                run_at_startup=True,
            )
            for p in periodic
        ],
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "redis_settings": redis_settings(settings),
        "queue_name": queue_name(settings),
        "max_jobs": settings.worker_max_jobs,
        "job_timeout": settings.job_timeout_seconds,
        "keep_result": 60,
        "health_check_interval": 30,
        "allow_abort_jobs": True,
        "job_completion_wait": 20,
        "burst": burst,
        "poll_delay": 0.05 if burst else 0.1,  # one cheap ZRANGEBYSCORE; jobs start sooner
    }


def make_worker(**kwargs: Any) -> Worker:
    return Worker(**kwargs)


def is_retry(exc: BaseException) -> bool:
    return isinstance(exc, Retry)
