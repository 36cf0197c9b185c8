"""The matching job is exactly-once wherever it dies, and keeps to the daily cap when two run at
once (tests/simulation/test_found.py holds the reproducers of what the simulation found)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from app.hubs.models import Hub
from app.jobs.models import OutboxJob
from app.jobs.runner import run_job
from app.matching import saved_searches
from app.matching import service as matching
from app.matching.models import Delivery, Notification
from tests.helpers import count_sql, queued_emails
from tests.jobs.pg import end_waiting_sessions, locks, until, waiting_queries  # noqa: F401

NOTIFY = "event:opportunity.published:app.matching.service.notify_matches"


async def _published(make_person: Any, post: Any, members: int) -> tuple[list[Any], Any, int]:
    """Members any remote opportunity suits, one such opportunity, and its matching job."""
    poster = await make_person(display_name="Poster")
    people = [await make_person(display_name=f"Member {i}") for i in range(members)]
    opportunity = await post(poster, remote=True, title="Read to children remotely")
    job = await OutboxJob.get(name=NOTIFY, payload__contains={"opportunity_id": opportunity.id})
    return people, opportunity, job.id


async def _assert_told_and_emailed_once(people: list[Any], opportunity: Any) -> None:
    """One notification per member, told now, and one email job for each (no other)."""
    told = await Notification.filter(opportunity_id=opportunity.id).values_list(
        "id", "member_id", "delivery"
    )
    assert sorted(m for _, m, _ in told) == sorted(p.member.id for p in people)
    assert {d for _, _, d in told} == {Delivery.NOW}
    notification = {m: n for n, m, _ in told}
    subject = f"A new opportunity for you: {opportunity.title}"
    for person in people:
        emails = [m["ref"] for m in await queued_emails(person.email) if m["subject"] == subject]
        assert emails == [f"notify:{notification[person.member.id]}"]


def _connection_lost(*args: Any, **kwargs: Any) -> Any:
    raise ConnectionResetError("connection lost")


@pytest.mark.parametrize("dies", ["before its emails are queued", "after its emails are queued"])
async def test_a_job_that_dies_after_storing_is_retried_to_one_email_per_notification(
    hub: Any, make_person: Any, post: Any, monkeypatch: pytest.MonkeyPatch, dies: str
) -> None:
    # given: a cap of one a day, so the retry counts the first attempt's notifications and
    # would tell the members in their digest (it must still email what the first one told now)
    await Hub.filter(id=hub.id).update(daily_notification_cap=1)
    people, opportunity, job_id = await _published(make_person, post, 2)
    # when: the first attempt stores the notifications, then loses its connection
    if dies == "before its emails are queued":
        monkeypatch.setattr(matching, "queue_emails", _connection_lost)
    else:
        monkeypatch.setattr(saved_searches, "notify_saved_searches", _connection_lost)
    assert await run_job(job_id) == "retry"
    monkeypatch.undo()
    # ... and the retry runs to the end; one more run of the handler changes nothing
    assert await run_job(job_id) == "done"
    assert await matching.notify_matches(opportunity_id=opportunity.id) == 0
    # then: every member told now once, and one email job each
    await _assert_told_and_emailed_once(people, opportunity)


async def test_a_job_cut_off_while_storing_stores_nothing_and_its_retry_tells_everyone_once(
    make_person: Any,
    post: Any,
    locks: asyncpg.Connection,  # noqa: F811
) -> None:
    # given: a notification of the job's own key inserted and not committed by another session,
    # so the job's INSERT waits inside its transaction (for that session's outcome)
    people, opportunity, job_id = await _published(make_person, post, 2)
    await locks.execute(
        "INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason,"
        " delivery, score, data, created_at) VALUES ($1, $2, 'opportunity_match', $3, 'held',"
        " '', 'now', 0, '{}', now())",
        opportunity.hub_id,
        people[0].member.id,
        opportunity.id,
    )
    attempt = asyncio.create_task(run_job(job_id))

    async def storing() -> bool:
        return any("INSERT INTO notification" in q for q in await waiting_queries(locks))

    await until(storing, 10, "the job did not reach the lock")
    # when: its database session is ended there
    assert await end_waiting_sessions(locks) == 1
    await locks.execute("ROLLBACK")
    assert await attempt == "retry"
    # then: nothing was stored (the locks and the INSERT went with the transaction) ...
    assert not await Notification.filter(opportunity_id=opportunity.id).exists()
    # ... and the retry tells and emails everyone once
    assert await run_job(job_id) == "done"
    await _assert_told_and_emailed_once(people, opportunity)


async def test_two_jobs_storing_at_once_keep_to_the_daily_cap(
    make_person: Any,
    post: Any,
    monkeypatch: pytest.MonkeyPatch,
    locks: asyncpg.Connection,  # noqa: F811  (only to watch the others' sessions)
) -> None:
    # given: a member told twice today, the cap being 3, and two new opportunities
    poster, member = await make_person(display_name="Poster"), await make_person()
    for title in ("Earlier one", "Earlier two"):
        await matching.notify_matches(
            opportunity_id=(await post(poster, remote=True, title=title)).id
        )
    first = await post(poster, remote=True, title="First of two at once")
    second = await post(poster, remote=True, title="Second of two at once")
    # when: the first job to store keeps its transaction open (its notification written, not
    # committed) until the other job waits for it, or has stored its own
    real = matching.in_transaction
    other_stored = asyncio.Event()
    order: list[str] = []

    @asynccontextmanager
    async def held_open() -> AsyncIterator[BaseDBAsyncClient]:
        mine = "first" if not order else "second"
        order.append(mine)
        async with real() as conn:
            yield conn
            if mine == "first":
                await until(other_waits_or_stored, 10, "the second job never came")
        if mine == "second":
            other_stored.set()

    async def other_waits_or_stored() -> bool:
        waiting = await waiting_queries(locks)
        return other_stored.is_set() or any("pg_advisory_xact_lock" in q for q in waiting)

    monkeypatch.setattr(matching, "in_transaction", held_open)
    # (as two processes: each job has a turn of its own, so both reach the hub's lock)
    monkeypatch.setattr(matching, "_turn", lambda hub: asyncio.Lock())
    await asyncio.gather(
        matching.notify_matches(opportunity_id=first.id),
        matching.notify_matches(opportunity_id=second.id),
    )
    # then: told now three times in all; the later one waits for the digest
    assert order == ["first", "second"]
    told = await Notification.filter(member_id=member.member.id).values_list("delivery", flat=True)
    assert sorted(told) == ["digest", "now", "now", "now"]


async def test_matching_runs_the_same_statements_for_2_and_12_members(
    make_person: Any, post: Any
) -> None:
    counts, told = [], []
    for members in (2, 12):
        _, opportunity, _ = await _published(make_person, post, members)
        with count_sql() as sql:
            await matching.notify_matches(opportunity_id=opportunity.id)
        counts.append(len(sql.statements))
        told.append(await Notification.filter(opportunity_id=opportunity.id).count())
    assert told[0] >= 2 and told[1] >= 12, told
    assert counts[0] == counts[1], counts
