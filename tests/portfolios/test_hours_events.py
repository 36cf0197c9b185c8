"""Verified hours emit "hours.verified" exactly once (real arq worker); races on one record."""

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from app import events
from app.people.models import Role
from app.portfolios.models import HoursRecord, HoursStatus
from tests.portfolios.conftest import gid, hub_today

VERIFY_HOURS = """
mutation VerifyHours($input: VerifyHoursInput!) {
  verifyHours(input: $input) { hoursRecord { id status } errors { code field message } }
}"""
DISPUTE_HOURS = """
mutation DisputeHours($input: DisputeHoursInput!) {
  disputeHours(input: $input) { hoursRecord { id status } errors { code field message } }
}"""
RESOLVE_DISPUTE = """
mutation ResolveDispute($input: ResolveHoursDisputeInput!) {
  resolveHoursDispute(input: $input) { hoursRecord { id status } errors { code field message } }
}"""
LOG_HOURS = """
mutation LogHours($input: LogHoursInput!) {
  logHours(input: $input) { hoursRecord { id } errors { code field message } }
}"""

# hours_record_id → how many times the subscriber ran for it, and the payload it last saw
RUNS: Counter[int] = Counter()
SEEN: dict[int, dict[str, Any]] = {}


async def note_verified_hours(*, hours_record_id: int, **payload: Any) -> None:
    """A test subscriber: idempotent by record id (the payload is stored once per record)."""
    RUNS[hours_record_id] += 1
    SEEN.setdefault(hours_record_id, payload)


@pytest.fixture(autouse=True, scope="module")
def _subscribed() -> Iterator[None]:
    # Only while this module runs: other modules' worker processes know no such handler, so
    # jobs queued for it elsewhere would fail there.
    events.subscribe("hours.verified")(note_verified_hours)
    yield
    events.unsubscribe("hours.verified", note_verified_hours)


async def test_verified_hours_are_announced_exactly_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any, logged: Any, run_jobs: Any
) -> None:
    # given: three records of bob's; alice verifies one and disputes two; a moderator verifies
    # one disputed record and rejects the other
    bob, mo = await make_person(), await make_person(roles=[Role.MODERATOR])
    _, application = await engage(alice, bob)
    direct, resolved, rejected = [await logged(bob, application, m) for m in (60, 30, 15)]
    ids = {r.id: gid("HoursRecord", r.id) for r in (direct, resolved, rejected)}
    # when
    ok = await gql(VERIFY_HOURS, {"input": {"hoursRecordId": ids[direct.id]}}, as_=alice)
    for record in (resolved, rejected):
        await gql(
            DISPUTE_HOURS, {"input": {"hoursRecordId": ids[record.id], "reason": "?"}}, as_=alice
        )
    yes = await gql(
        RESOLVE_DISPUTE, {"input": {"hoursRecordId": ids[resolved.id], "verify": True}}, as_=mo
    )
    no = await gql(
        RESOLVE_DISPUTE, {"input": {"hoursRecordId": ids[rejected.id], "verify": False}}, as_=mo
    )
    assert ok["verifyHours"]["hoursRecord"]["status"] == "VERIFIED"
    assert yes["resolveHoursDispute"]["hoursRecord"]["status"] == "VERIFIED"
    assert no["resolveHoursDispute"]["hoursRecord"]["status"] == "REJECTED"
    await run_jobs()
    await run_jobs()
    # and the event is emitted again (a retried use case, a replayed message)
    again = [
        await events.emit("hours.verified", {"hours_record_id": r.id}, key=f"{r.id}")
        for r in (direct, resolved)
    ]
    await run_jobs()
    # then: once per verified record, never for the rejected one
    assert again == [0, 0]
    assert (RUNS[direct.id], RUNS[resolved.id], RUNS[rejected.id]) == (1, 1, 0)
    assert SEEN[direct.id] == {"hub_id": hub.id, "volunteer_id": bob.member.id, "minutes": 60}
    assert SEEN[resolved.id]["minutes"] == 30


async def test_concurrent_decisions_on_one_record_make_exactly_one(
    gql: Any,
    hub: Any,
    alice: Any,
    make_person: Any,
    engage: Any,
    logged: Any,
    organisation: Any,
    run_jobs: Any,
) -> None:
    # given: a request of alice's organisation, where dan and erin are staff too
    bob, dan, erin = await make_person(), await make_person(), await make_person()
    org = await organisation(alice, "Food Bank", staff=(dan, erin))
    _, application = await engage(alice, bob, organisation_id=org.id)
    record = await logged(bob, application, 90)
    record_id = gid("HoursRecord", record.id)
    # when: the three of them verify or dispute at the same moment, twice over
    results = await asyncio.gather(
        *(
            gql(document, {"input": {"hoursRecordId": record_id} | extra}, as_=person)
            for person in (alice, dan, erin)
            for document, extra in ((VERIFY_HOURS, {}), (DISPUTE_HOURS, {"reason": "No"}))
        )
    )
    await run_jobs()
    # then: one decision wins; the others are told it was already decided
    payloads = [next(iter(r.values())) for r in results]
    outcomes = Counter(p["errors"][0]["code"] if p["errors"] else "OK" for p in payloads)
    assert outcomes == {"OK": 1, "ALREADY_DECIDED": 5}
    stored = await HoursRecord.get(id=record.id)
    assert RUNS[record.id] == (1 if stored.status == HoursStatus.VERIFIED else 0)


async def test_concurrent_logs_never_exceed_a_day(
    gql: Any, hub: Any, alice: Any, make_person: Any, engage: Any
) -> None:
    # given: bob volunteers for four of alice's requests
    bob = await make_person()
    engagements = [(await engage(alice, bob))[1] for _ in range(4)]
    day = hub_today(hub) - timedelta(days=1)
    # when: he logs 500 minutes on each, all at once
    results = await asyncio.gather(
        *(
            gql(
                LOG_HOURS,
                {
                    "input": {
                        "applicationId": gid("Application", a.id),
                        "workedOn": day.isoformat(),
                        "minutes": 500,
                    }
                },
                as_=bob,
            )
            for a in engagements
        )
    )
    # then: two fit in the day, two do not
    codes = Counter(
        r["logHours"]["errors"][0]["code"] if r["logHours"]["errors"] else "OK" for r in results
    )
    assert codes == {"OK": 2, "INVALID": 2}
    total = sum(r.minutes for r in await HoursRecord.filter(hub_id=hub.id, worked_on=day))
    assert total == 1000


async def test_the_credits_subscriber_and_the_test_one_are_both_registered() -> None:
    names = set(events.subscribers("hours.verified"))
    assert "app.credits.service.earn_for_hours" in names
    assert f"{__name__}.note_verified_hours" in names
