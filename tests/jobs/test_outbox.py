"""The outbox: after-commit hand-off, Redis outages, rollbacks, crashes, retries, idempotency."""

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from app import jobs, redis_clients
from app.config import get_settings
from app.jobs.models import JobStatus, OutboxJob
from app.jobs.queue import TransientJobError, close_pools
from app.jobs.registry import job
from app.jobs.runner import run_job
from tests.helpers import DEFAULT_PASSWORD, read_mail

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { member { id } errors { code field message } }
}"""

calls: dict[str, int] = {}


@job("test_flaky")
async def flaky(*, name: str, fail_times: int) -> None:
    calls[name] = calls.get(name, 0) + 1
    if calls[name] <= fail_times:
        raise TransientJobError("peer down")


@job("test_flaky_timed")
async def flaky_timed(*, name: str, fail_times: int) -> None:
    started.setdefault(name, []).append(time.monotonic())
    if len(started[name]) <= fail_times:
        raise TransientJobError("peer down")


started: dict[str, list[float]] = {}
ran: dict[str, asyncio.Event] = {}


@job("test_woken")
async def woken(*, name: str) -> None:
    ran[name].set()


@job("test_broken")
async def broken(*, name: str) -> None:
    calls[name] = calls.get(name, 0) + 1
    raise KeyError("a bug")


async def _enqueue(name: str, payload: dict[str, Any]) -> int:
    async with in_transaction():
        job_id = await jobs.enqueue(name, payload)
    assert job_id is not None
    await jobs.relay_ids([job_id])
    return job_id


async def test_job_of_a_rolled_back_transaction_never_runs(run_jobs: Any) -> None:
    # given
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await jobs.enqueue(
                "send_email", {"to": "ghost@example.org", "subject": "s", "text": "t"}
            )
            raise RuntimeError("the use case failed after enqueueing")
    # when
    await jobs.sweep()
    await run_jobs()
    # then
    assert await OutboxJob.filter(payload__contains={"to": "ghost@example.org"}).count() == 0
    assert read_mail("ghost@example.org") == []


async def test_job_enqueued_while_redis_is_down_is_delivered_once_it_is_back(
    gql: Any, hub: Any, run_jobs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: Redis unreachable (nothing listens on port 1), for the queue and for the request
    # budgets alike (app/budgets/requests.py lets requests through uncharged meanwhile)
    settings = get_settings()
    await close_pools()
    await redis_clients.close()
    monkeypatch.setattr(settings, "redis_url", "redis://127.0.0.1:1/0")
    email = "outage@example.org"
    # when: a member registers; the request still succeeds
    data = await gql(
        REGISTER,
        {
            "input": {
                "hubSlug": hub.slug,
                "email": email,
                "password": DEFAULT_PASSWORD,
                "displayName": "O",
            }
        },
    )
    assert data["register"]["errors"] == []
    row = await OutboxJob.get(payload__contains={"to": email})
    assert row.status == JobStatus.PENDING and row.relayed_at is None
    # when: Redis is back and the cron sweep runs (twice, as two workers might)
    monkeypatch.undo()
    await close_pools()
    await redis_clients.close()
    assert await jobs.sweep() >= 1
    await jobs.sweep()
    await run_jobs()
    await jobs.sweep()
    await run_jobs()
    # then: delivered exactly once
    assert len(read_mail(email)) == 1
    await row.refresh_from_db()
    assert row.status == JobStatus.DONE and row.payload == {}


async def test_running_a_finished_job_again_does_nothing(run_jobs: Any) -> None:
    job_id = await _enqueue("send_email", {"to": "twice@example.org", "subject": "s", "text": "t"})
    await run_jobs()
    assert await run_job(job_id) == "skipped"
    assert len(read_mail("twice@example.org")) == 1


async def test_job_of_a_killed_worker_is_relayed_again_and_runs_once(run_jobs: Any) -> None:
    # given: a worker claimed the job (attempt counted, relayed) and died before finishing
    async with in_transaction():
        job_id = await jobs.enqueue(
            "send_email", {"to": "crash@example.org", "subject": "s", "text": "t"}
        )
    await OutboxJob.filter(id=job_id).update(
        attempts=1, relayed_at=datetime.now(UTC) - timedelta(minutes=5)
    )
    # when: the sweep finds it stale
    assert await jobs.sweep() >= 1
    await run_jobs()
    # then
    row = await OutboxJob.get(id=job_id)
    assert (row.status, row.attempts) == (JobStatus.DONE, 2)
    assert len(read_mail("crash@example.org")) == 1


async def test_transient_failures_are_retried_under_a_new_queue_id_each_time(
    run_jobs: Any,
) -> None:
    job_id = await _enqueue("test_flaky", {"name": "retry-me", "fail_times": 2})
    worker = await run_jobs()
    row = await OutboxJob.get(id=job_id)
    assert row.status == JobStatus.DONE
    assert calls["retry-me"] == 3 and row.attempts == 3
    # each retry is a hand-over of its own (the row owns the schedule, not arq's Retry)
    assert row.relays == 3 and worker.jobs_complete == 3 and worker.jobs_retried == 0


async def test_a_sweeping_worker_waits_for_the_planned_retry_and_runs_one_chain(
    run_jobs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: retries 0.5 s after a first failure, 1 s after a second; a job failing twice
    monkeypatch.setattr(get_settings(), "job_retry_base_seconds", 0.5)
    await _enqueue("test_flaky_timed", {"name": "backoff", "fail_times": 2})
    stop = asyncio.Event()

    async def sweep_all_the_time() -> None:
        while not stop.is_set():
            await jobs.sweep()
            await asyncio.sleep(0.05)

    # when: a real worker runs it while the sweep runs every 50 ms
    sweeper = asyncio.create_task(sweep_all_the_time())
    try:
        await run_jobs()
    finally:
        stop.set()
        await sweeper
    # then: three attempts, each after its planned delay
    times = started["backoff"]
    assert len(times) == 3, times
    assert times[1] - times[0] >= 0.5 and times[2] - times[1] >= 1.0, times


async def test_transient_failures_give_up_after_max_tries(run_jobs: Any) -> None:
    job_id = await _enqueue("test_flaky", {"name": "hopeless", "fail_times": 99})
    await run_jobs()
    row = await OutboxJob.get(id=job_id)
    assert row.status == JobStatus.FAILED
    assert calls["hopeless"] == get_settings().job_max_tries
    assert "gave up" in row.last_error


async def test_a_bug_fails_the_job_at_once_and_records_why(run_jobs: Any) -> None:
    job_id = await _enqueue("test_broken", {"name": "bug"})
    await run_jobs()
    row = await OutboxJob.get(id=job_id)
    assert row.status == JobStatus.FAILED and "KeyError" in row.last_error
    assert calls["bug"] == 1


async def test_a_keyed_job_is_enqueued_once() -> None:
    async with in_transaction():
        first = await jobs.enqueue("send_email", {"to": "k@example.org"}, key="welcome:k")
        second = await jobs.enqueue("send_email", {"to": "k@example.org"}, key="welcome:k")
    assert first is not None and second is None


def test_every_event_subscriber_is_registered_without_importing_it_first() -> None:
    from app import events

    assert "app.matching.service.notify_matches" in events.subscribers("opportunity.published")
    assert "app.credits.service.earn_for_hours" in events.subscribers("hours.verified")


async def test_a_relayed_job_wakes_the_worker_before_its_next_poll() -> None:
    # given: a jobs-queue worker (not in burst mode) polling every 30 s, its first poll done
    from app.jobs.queue import run_workers
    from workers.main import build_settings

    settings = build_settings()
    settings.update(cron_jobs=[], on_startup=None, on_shutdown=None, poll_delay=30)
    workers = asyncio.ensure_future(run_workers([settings]))
    try:
        await asyncio.sleep(1.0)
        # when: a job is committed and relayed
        ran["woken"] = asyncio.Event()
        sent = time.monotonic()
        job_id = await _enqueue("test_woken", {"name": "woken"})
        # then: the worker runs it at once, not 30 s later at its next poll
        async with asyncio.timeout(10):
            await ran["woken"].wait()
        assert time.monotonic() - sent < 2
        # (the job's row is marked done right after: let it, before the worker stops)
        while (await OutboxJob.get(id=job_id)).status != JobStatus.DONE:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    finally:
        workers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        await close_pools()
