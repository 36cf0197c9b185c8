"""The outbox row owns a job's schedule: retries wait their planned time, the sweep never
starts a second chain, and a dead worker's job comes back once its lease ends. Fake clock
and a hand-driven queue: no sleeping."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from app import jobs
from app.config import Settings, get_settings
from app.jobs import schedule
from app.jobs.models import JobStatus, OutboxJob
from app.jobs.queue import TransientJobError
from app.jobs.registry import job
from app.jobs.runner import _claim, run_job
from tests.jobs.fakes import FakeClock, FakeQueue

runs: dict[str, list[Any]] = {}


@job("test_schedule_flaky")
async def flaky(*, name: str, fail_times: int) -> None:
    from app.jobs import clock

    runs.setdefault(name, []).append(clock.now())
    if len(runs[name]) <= fail_times:
        raise TransientJobError("peer down")


async def _committed(name: str, payload: dict[str, Any]) -> int:
    async with in_transaction():
        job_id = await jobs.enqueue(name, payload)
    assert job_id is not None
    await jobs.relay_ids([job_id])
    return job_id


@pytest.fixture
def backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default schedule (the suite runs with no delays) and a 10 s pickup lease."""
    monkeypatch.setattr(get_settings(), "job_retry_base_seconds", 5.0)
    monkeypatch.setattr(get_settings(), "outbox_stale_seconds", 10)


def test_the_default_schedule_is_the_one_the_readme_states() -> None:
    # given: the defaults, not the suite's environment
    defaults = Settings.model_construct()
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    # when
    delays = schedule.retry_delays(defaults)
    deadline = schedule.recovery_deadline(defaults).total_seconds()
    # then
    assert delays == [5.0, 10.0, 20.0, 40.0] and deadline == 28
    listed = ", ".join(f"{d:g}" for d in delays[:-1]) + f" and {delays[-1]:g} s"
    assert f"again after {listed}" in readme
    assert f"marked failed {sum(delays):g} s after its first attempt" in readme
    assert f"**{deadline:g} s**" in readme


def _duration(seconds: float) -> str:
    """As the README writes it: 5 s, 5 min, 2 h, 27 h 35 min 5 s."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join([p for p in parts if p] + ([f"{secs} s"] if secs else []))


def test_the_webhook_schedule_is_the_one_the_readme_states() -> None:
    # given: the defaults, not the suite's environment
    defaults = Settings.model_construct()
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    # when
    delays = schedule.retry_delays(defaults, job=schedule.WEBHOOK_DELIVERY_JOB)
    # then: Standard Webhooks' schedule, as the README and the configuration table state it
    assert delays == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]
    assert schedule.max_tries(schedule.WEBHOOK_DELIVERY_JOB, defaults) == len(delays) + 1 == 8
    listed = ", ".join(_duration(d) for d in delays[:-1]) + f" and {_duration(delays[-1])}"
    assert f"again {listed} later" in readme
    assert (
        f"{len(delays) + 1} attempts, the last {_duration(sum(delays))} after the first" in readme
    )
    assert f"none: `[{', '.join(f'{d:g}' for d in delays)}]`" in readme


async def test_the_sweep_honours_a_planned_retry_and_never_starts_a_second_chain(
    backoff: None, fake_clock: FakeClock, fake_queue: FakeQueue
) -> None:
    # given: a job that fails twice, then works; its first attempt fails at t0
    job_id = await _committed("test_schedule_flaky", {"name": "chain", "fail_times": 2})
    t0 = fake_clock.now()
    assert await fake_queue.run_due(job_id) == ["retry"]
    row = await OutboxJob.get(id=job_id)
    assert (row.status, row.run_after) == (JobStatus.PENDING, t0 + timedelta(seconds=5))
    # when: a stray wake-up arrives before the planned time
    fake_clock.advance(4)
    assert await run_job(job_id) == "skipped"
    # when: the sweep runs every second for 40 s while the retry waits in the queue
    # (workers busy elsewhere), long past its planned time and its lease
    for _ in range(36):
        await jobs.sweep()
        fake_clock.advance(1)
    # then: nothing ran again, and the one planned retry is the only wake-up queued
    assert len(runs["chain"]) == 1 and len(fake_queue.refs_of(job_id)) == 2
    # when: a worker gets to it at t0 + 40; it fails again (next try planned 10 s later)
    assert await fake_queue.run_due(job_id) == ["retry"]
    row = await OutboxJob.get(id=job_id)
    assert row.run_after == t0 + timedelta(seconds=50)
    fake_clock.at(row.run_after)
    assert await fake_queue.run_due(job_id) == ["done"]
    # then: three attempts, one chain: one wake-up per attempt
    row = await OutboxJob.get(id=job_id)
    assert (row.status, row.attempts) == (JobStatus.DONE, 3)
    offsets = [(t - t0).total_seconds() for t in runs["chain"]]
    assert offsets == [0, 40, 50]
    assert len(fake_queue.refs_of(job_id)) == 3


async def test_a_job_taken_by_a_worker_that_died_before_claiming_it_is_handed_over_again(
    backoff: None, fake_clock: FakeClock, fake_queue: FakeQueue
) -> None:
    # given: a worker took the job from the queue and died before claiming it
    job_id = await _committed("test_schedule_flaky", {"name": "taken", "fail_times": 0})
    [wakeup] = fake_queue.due(job_id)
    fake_queue.take(wakeup)
    # when: the sweep runs before and after the pickup lease (10 s) ends
    fake_clock.advance(9)
    await jobs.sweep()
    assert len(fake_queue.refs_of(job_id)) == 1
    fake_clock.advance(1)
    await jobs.sweep()
    # then: handed over under a new queue id, run once
    first, second = fake_queue.refs_of(job_id)
    assert first != second
    assert await fake_queue.run_due(job_id) == ["done"]
    assert len(runs["taken"]) == 1


async def test_a_job_claimed_by_a_worker_that_died_runs_again_when_its_lease_ends(
    backoff: None, fake_clock: FakeClock, fake_queue: FakeQueue
) -> None:
    # given: a worker claimed the job (attempt 1) and died mid-run
    job_id = await _committed("test_schedule_flaky", {"name": "claimed", "fail_times": 0})
    [wakeup] = fake_queue.due(job_id)
    fake_queue.take(wakeup)
    assert await _claim(job_id) is not None
    lease = schedule.run_lease().total_seconds()
    # when: its own queue entry comes back (arq re-runs it) while the lease holds
    fake_clock.advance(lease - 1)
    assert await run_job(job_id) == "skipped"
    await jobs.sweep()
    assert len(fake_queue.refs_of(job_id)) == 1
    # when: the lease ends and the sweep runs
    fake_clock.advance(1)
    await jobs.sweep()
    # then: it runs once more, under a new queue id, as attempt 2
    assert len(fake_queue.refs_of(job_id)) == 2
    assert await fake_queue.run_due(job_id) == ["done"]
    row = await OutboxJob.get(id=job_id)
    assert (row.status, row.attempts, row.relays) == (JobStatus.DONE, 2, 2)
    assert len(runs["claimed"]) == 1


async def test_a_job_whose_workers_keep_dying_gives_up_after_max_tries(
    fake_clock: FakeClock, fake_queue: FakeQueue
) -> None:
    # given: every attempt is claimed by a worker that then dies
    job_id = await _committed("test_schedule_flaky", {"name": "doomed", "fail_times": 0})
    for _ in range(get_settings().job_max_tries):
        [wakeup] = fake_queue.due(job_id)
        fake_queue.take(wakeup)
        assert await _claim(job_id) is not None
        fake_clock.advance(schedule.run_lease().total_seconds())
        await jobs.sweep()
    # when: the next wake-up runs
    outcomes = await fake_queue.run_due(job_id)
    # then: it is marked failed, never run again
    row = await OutboxJob.get(id=job_id)
    assert outcomes == ["failed"] and row.status == JobStatus.FAILED
    assert "workers kept dying" in row.last_error and "doomed" not in runs
