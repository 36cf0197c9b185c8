"""arq 0.28 runs on the redis-py the package declares (what arq accepts, STACK-NOTES B1):
enqueue, dedup, run, and keep a wake-up deferred by hours."""

from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from arq.constants import job_key_prefix

from app.config import get_settings
from app.jobs import queue, schedule
from app.jobs.queue import _pool, queue_name


async def test_redis_py_is_a_release_arq_accepts() -> None:
    # arq 0.28 declares redis[hiredis]>=4.2,<6
    assert 4 <= int(redis.__version__.split(".")[0]) < 6


async def test_arq_enqueue_dedups_by_job_id_and_a_worker_runs_it(run_jobs: Any) -> None:
    pool = await _pool()
    job_id = f"{get_settings().redis_prefix}:smoke"
    first = await pool.enqueue_job("sweep_outbox", _job_id=job_id, _queue_name=queue_name())
    second = await pool.enqueue_job("sweep_outbox", _job_id=job_id, _queue_name=queue_name())
    assert first is not None and second is None
    from workers.tasks import sweep_outbox

    worker = await run_jobs(functions=[sweep_outbox])
    assert worker.jobs_complete == 1
    assert (await first.result(timeout=5)) >= 0


async def test_a_retry_deferred_by_the_longest_webhook_delay_outlives_its_wait() -> None:
    # given: the longest wait of the webhook schedule (app/jobs/schedule.py), 10 h
    wait = timedelta(seconds=max(schedule.WEBHOOK_RETRY_DELAYS))
    ref = f"{get_settings().redis_prefix}:deferred-smoke"
    # when: its wake-up is queued, deferred to its time, as the runner queues a retry
    await queue.push(ref=ref, job_id=0, name="deliver_webhook", run_after=datetime.now(UTC) + wait)
    pool = await _pool()
    try:
        # then: arq keeps it until a day past that time (its _expires default counts from the
        # deferred time), and it waits in the queue, not due before then
        ttl = timedelta(milliseconds=await pool.pttl(job_key_prefix + ref))
        assert wait + timedelta(hours=23) < ttl <= wait + timedelta(days=1)
        assert ref in await queue.waiting({ref: "deliver_webhook"})
        due = await pool.zrangebyscore(queue_name(), 0, datetime.now(UTC).timestamp() * 1000)
        assert ref.encode() not in due
    finally:
        await pool.zrem(queue_name(), ref)
        await pool.delete(job_key_prefix + ref)
