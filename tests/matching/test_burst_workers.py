"""Matching in bursts under real worker processes (issue 19): two `communityhub worker`
processes matching the same burst tell each member once per opportunity and keep to the daily
cap, and a worker killed with -9 in the middle of a batch leaves nothing half-written: a new
one matches the burst, again once."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import asyncpg
from tortoise.transactions import in_transaction

from app import jobs
from app.hubs.models import Hub
from app.jobs import schedule
from app.jobs.models import JobStatus, OutboxJob
from app.matching.models import Delivery, MatchedOpportunity, Notification
from app.opportunities.models import Opportunity
from app.people import profile, skills
from tests.jobs.invariants import parked_outbox  # noqa: F401  (fixture)
from tests.jobs.pg import end_waiting_sessions, locks, until, waiting_queries  # noqa: F401
from tests.jobs.processes import workers  # noqa: F401  (fixture)
from tests.opportunities.conftest import MANCHESTER, SALFORD, actor_of

CAP = 3
MEMBERS = 8
BURST = 24


async def _burst(make_person: Any, post: Any) -> tuple[list[Any], list[Opportunity], list[int]]:
    """Members every opportunity suits (remote), and a burst of opportunities published at once,
    their matching jobs written to the outbox and not handed to the queue yet."""
    poster = await make_person(display_name="Poster")
    people = [await make_person(display_name=f"Member {i}") for i in range(MEMBERS)]
    async with jobs.collecting() as ids, in_transaction():
        burst = [await post(poster, remote=True, title=f"Burst {n}") for n in range(BURST)]
    return people, burst, ids


async def _matched(burst: list[Opportunity]) -> bool:
    done = await MatchedOpportunity.filter(opportunity_id__in=[o.id for o in burst]).count()
    return done == len(burst)


async def _assert_told_once(people: list[Any], burst: list[Opportunity]) -> None:
    """One notification per member and opportunity; each member told now CAP times (the rest in
    the digest); one email per notification told now, none other (queued in lots of up to
    a hundred: counted from the lots' messages, or their progress once sent)."""
    rows = await Notification.filter(opportunity_id__in=[o.id for o in burst]).values_list(
        "id", "member_id", "opportunity_id", "delivery"
    )
    pairs = Counter((m, o) for _, m, o, _ in rows)
    assert set(pairs) == {(p.member.id, o.id) for p in people for o in burst}
    assert set(pairs.values()) == {1}
    now = Counter(m for _, m, _, d in rows if d == Delivery.NOW)
    assert now == {p.member.id: CAP for p in people}, now
    told_now = {n for n, _, _, d in rows if d == Delivery.NOW}
    lots = await OutboxJob.filter(name="send_emails", key__startswith="notify:")
    mine = [j for j in lots if int(str(j.key).split(":")[1]) in told_now]
    # a lot sent (its payload cleared) counts its messages in `progress`
    emailed = sum(
        j.progress if j.status == JobStatus.DONE else len(j.payload["messages"]) for j in mine
    )
    assert emailed == len(told_now)
    assert await MatchedOpportunity.filter(opportunity_id__in=[o.id for o in burst]).count() == (
        len(burst)
    )


def _matching_runs(worker: Any) -> int:
    """How many outbox jobs this process ran (arq logs each start)."""
    return worker.log.read_text(errors="replace").count("run_outbox_job(")


async def test_two_worker_processes_matching_one_burst_tell_each_member_once(
    hub: Any,
    make_person: Any,
    post: Any,
    parked_outbox: None,  # noqa: F811
    workers: Any,  # noqa: F811
) -> None:
    # given: a daily cap of 3 and a burst of 24 opportunities every member suits
    await Hub.filter(id=hub.id).update(daily_notification_cap=CAP)
    people, burst, ids = await _burst(make_person, post)
    # when: two worker processes (two jobs at a time each) take the burst's jobs from one queue
    first, second = workers(worker_max_jobs=2), workers(worker_max_jobs=2)
    first.wait_ready()
    second.wait_ready()
    await jobs.relay_ids(ids)
    await until(lambda: _matched(burst), 60, "the burst was not matched", first)
    await until(lambda: _all_done(ids), 60, "the burst's jobs did not all finish", second)
    # then: both processes ran matching jobs, and every member was told once per opportunity,
    # told now no more than the cap across both, and emailed once per notification told now
    assert _matching_runs(first) > 0 and _matching_runs(second) > 0
    await _assert_told_once(people, burst)


async def _all_done(ids: list[int]) -> bool:
    statuses = await OutboxJob.filter(id__in=ids).values_list("status", flat=True)
    return set(statuses) == {"done"}


async def test_a_worker_killed_mid_batch_leaves_nothing_and_another_matches_the_burst_once(
    hub: Any,
    make_person: Any,
    post: Any,
    parked_outbox: None,  # noqa: F811
    workers: Any,  # noqa: F811
    locks: asyncpg.Connection,  # noqa: F811
) -> None:
    # given: the burst, and one of its notifications (a member about the oldest listing, in
    # every first batch) inserted and not committed by another session, so that the batch's
    # INSERT waits there
    await Hub.filter(id=hub.id).update(daily_notification_cap=CAP)
    people, burst, ids = await _burst(make_person, post)
    await locks.execute(
        "INSERT INTO notification (hub_id, member_id, kind, opportunity_id, title, reason,"
        " delivery, score, data, created_at) VALUES ($1, $2, 'opportunity_match', $3, 'held',"
        " '', 'now', 0, '{}', now())",
        hub.id,
        people[0].member.id,
        burst[0].id,
    )
    # when: worker A takes the burst and is killed with -9 while storing its batch
    worker_a = workers()
    worker_a.wait_ready()
    await jobs.relay_ids(ids)

    async def storing() -> bool:
        return any("INSERT INTO notification" in q for q in await waiting_queries(locks))

    await until(storing, 30, "worker A did not reach the held notification", worker_a)
    worker_a.kill9()
    await end_waiting_sessions(locks)
    await locks.execute("ROLLBACK")
    # then: nothing of its batch is there
    assert not await Notification.filter(opportunity_id__in=[o.id for o in burst]).exists()
    assert not await MatchedOpportunity.filter(opportunity_id__in=[o.id for o in burst]).exists()
    # when: worker B starts; the jobs A held come back after their lease
    worker_b = workers()
    killed = datetime.now(UTC)
    deadline = schedule.recovery_deadline().total_seconds() + 30
    await until(lambda: _matched(burst), deadline, "the burst was not matched again", worker_b)
    print(f"\nburst matched again {(datetime.now(UTC) - killed).total_seconds():.1f} s after")
    # then: every member told once per opportunity, the cap kept, emailed once
    await _assert_told_once(people, burst)


async def test_two_worker_processes_matching_a_located_burst_tell_each_member_once(
    hub: Any,
    make_person: Any,
    post: Any,
    skill: Any,
    parked_outbox: None,  # noqa: F811
    workers: Any,  # noqa: F811
) -> None:
    # given: members in Salford who know first aid, and a burst of 24 in Manchester (3.1 km
    # away) needing it: matched from the skill holders' index, not the remote path
    await Hub.filter(id=hub.id).update(daily_notification_cap=CAP)
    poster = await make_person(display_name="Poster")
    people = [await make_person(display_name=f"Member {i}") for i in range(MEMBERS)]
    for person in people:
        await profile.update_profile(
            actor=actor_of(person), changes={"home": SALFORD, "travel_km": 5}
        )
        await skills.set_member_skills(actor=actor_of(person), skill_ids=[skill.id])
    async with jobs.collecting() as ids, in_transaction():
        burst = [
            await post(poster, location=MANCHESTER, skill_ids=[skill.id], title=f"Near {n}")
            for n in range(BURST)
        ]
    # when: two worker processes (two jobs at a time each) take the burst's jobs
    first, second = workers(worker_max_jobs=2), workers(worker_max_jobs=2)
    first.wait_ready()
    second.wait_ready()
    await jobs.relay_ids(ids)
    await until(lambda: _matched(burst), 60, "the burst was not matched", first)
    await until(lambda: _all_done(ids), 60, "the burst's jobs did not all finish", second)
    # then: every member told once per opportunity, told now no more than the cap across
    # both processes, emailed once per notification told now
    assert _matching_runs(first) > 0 and _matching_runs(second) > 0
    await _assert_told_once(people, burst)
