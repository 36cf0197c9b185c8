"""arq 0.28 runs on the redis-py the package declares (what arq accepts, STACK-NOTES B1):
enqueue, dedup, run."""

from typing import Any

import redis

from app.config import get_settings
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
