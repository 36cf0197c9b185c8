"""Faults under load: Redis restarted (a private server of the test's own), PostgreSQL sessions
of the test database ended mid-transaction. Every invariant stays whole: the books balance, no
hold stays open past its time, no credit or email is lost or doubled, no request fails."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from app import jobs
from app.config import get_settings
from app.credits import ledger
from app.credits.models import Account, SystemAccount, Transfer, TransferKind, TransferStatus
from app.devstack import redis as devstack_redis
from app.devstack.binaries import find_redis
from app.devstack.redis import PrivateRedis
from app.jobs import schedule
from app.jobs.models import JobStatus, OutboxJob
from app.jobs.queue import close_pools
from app.opportunities import applications
from app.portfolios import hours
from schema.relay import encode_id
from tests.credits.conftest import fund_member
from tests.jobs.invariants import (
    all_jobs_done,
    assert_ledger_sound,
    assert_no_hold_open_past_its_time,
    assert_one_credit_per_record,
    assert_one_email_each,
    jobs_since,
)
from tests.jobs.pg import claims, end_waiting_sessions, locking, until, waiting_queries
from tests.opportunities.conftest import actor_of

VERIFY = """mutation($input: VerifyHoursInput!) {
  verifyHours(input: $input) { hoursRecord { status } errors { code message } } }"""
PAY = """mutation($input: PayMemberInput!) {
  payMember(input: $input) { transfer { id } errors { code message } } }"""
APPLY = """mutation($input: ApplyToOpportunityInput!) {
  applyToOpportunity(input: $input) { application { status } errors { code message } } }"""
ACCEPTED = "You're in: Help in the community garden"


@pytest.fixture
async def private_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[PrivateRedis]:
    """A redis-server of this test's own (it is restarted): the test process uses it too."""
    binary = find_redis()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(binary, tmp_path / "redis")
    server.start()
    monkeypatch.setattr(get_settings(), "redis_url", server.url)
    await close_pools()
    try:
        yield server
    finally:
        await close_pools()
        server.stop()


def _restart(server: PrivateRedis, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stops Redis (it keeps nothing: every queued job is lost) and starts it on its port."""
    port = server.port
    server.stop()
    with monkeypatch.context() as m:
        m.setattr(devstack_redis, "free_port", lambda preferred=None: port)
        server.start()


async def _volunteers_with_hours(make_person: Any, opportunity: Any, n: int) -> list[Any]:
    records = []
    for i in range(n):
        volunteer = await make_person(display_name=f"Volunteer {i}")
        application = await applications.apply(
            actor=actor_of(volunteer), opportunity_id=opportunity.id
        )
        records.append(
            await hours.log_hours(
                actor=actor_of(volunteer),
                application_id=application.id,
                worked_on=date.today(),
                minutes=30,
            )
        )
    return records


async def _hold(hub: Any, member_id: int, expires: datetime) -> Transfer:
    async with in_transaction():
        return await ledger.hold(
            source=await ledger.member_account(hub.id, member_id),
            destination=await ledger.system_account(hub.id, SystemAccount.CAMPAIGN_ESCROW),
            amount=5,
            kind=TransferKind.PLEDGE,
            expires_at=expires,
        )


def _gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


@pytest.mark.exclusive  # every job done within the recovery deadline
async def test_redis_restarted_under_load_loses_no_job_and_runs_none_twice(
    hub: Any,
    alice: Any,
    make_person: Any,
    post: Any,
    gql: Any,
    private_redis: PrivateRedis,
    parked_outbox: None,
    workers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: hours to verify, members about to apply, alice with credits to pay and pledge
    since = datetime.now(UTC)
    await fund_member(hub.id, alice.member.id, 1000)
    bob = await make_person(display_name="Bob")
    opportunity = await post(alice, auto_accept=True, places=40)
    records = await _volunteers_with_hours(make_person, opportunity, 8)
    applicants = [await make_person(display_name=f"Applicant {i}") for i in range(8)]
    worker = workers(redis_url=private_redis.url, housekeeping_seconds=1)
    worker.wait_ready()
    # when: requests keep coming, and Redis goes down (losing every queued job) and comes back
    for step in range(8):
        if step == 3:
            private_redis.stop()
        if step == 6:
            _restart(private_redis, monkeypatch)
            restarted = datetime.now(UTC)
        verified = await gql(
            VERIFY, {"input": {"hoursRecordId": _gid("HoursRecord", records[step].id)}}, as_=alice
        )
        paid = await gql(
            PAY,
            {
                "input": {
                    "payeeId": _gid("Member", bob.member.id),
                    "amount": 1,
                    "idempotencyKey": uuid.uuid4().hex,
                }
            },
            as_=alice,
        )
        applied = await gql(
            APPLY,
            {"input": {"opportunityId": _gid("Opportunity", opportunity.id)}},
            as_=applicants[step],
        )
        # then: every request succeeds, Redis or not
        assert verified["verifyHours"]["errors"] == []
        assert paid["payMember"]["errors"] == []
        assert applied["applyToOpportunity"]["errors"] == []
        await _hold(hub, alice.member.id, datetime.now(UTC) + timedelta(seconds=0.5))
        await asyncio.sleep(0.2)

    # then: the worker carries on, and every job is done within the deadline of a restart
    async def settled() -> bool:
        pending_holds = await Transfer.filter(hub_id=hub.id, status=TransferStatus.PENDING)
        return await all_jobs_done(since) and not pending_holds

    deadline = schedule.recovery_deadline().total_seconds()
    await until(settled, deadline + 10, "not settled after the restart", worker)
    took = (datetime.now(UTC) - restarted).total_seconds()
    print(f"Redis restart to every job done: {took:.2f} s; {len(await jobs_since(since))} jobs")
    assert took <= deadline + 2
    # then: each credit and each email exactly once, the books whole
    await assert_one_credit_per_record(hub.id, [r.id for r in records])
    assert_one_email_each([a.email for a in applicants], ACCEPTED)
    await assert_ledger_sound(hub.id)
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 8
    await assert_no_hold_open_past_its_time(hub.id, timedelta(seconds=0))


@pytest.mark.exclusive  # every job done within the recovery deadline
async def test_worker_sessions_ended_mid_transaction_change_nothing_twice(
    hub: Any,
    alice: Any,
    make_person: Any,
    post: Any,
    parked_outbox: None,
    workers: Any,
    locks: asyncpg.Connection,
) -> None:
    # given: verified hours to credit, an expired hold, two emails; row locks stop each halfway
    since = datetime.now(UTC)
    opportunity = await post(alice, auto_accept=True)
    [record] = await _volunteers_with_hours(make_person, opportunity, 1)
    volunteer_account = await ledger.member_account(hub.id, record.volunteer_id)
    await fund_member(hub.id, alice.member.id, 100)
    hold = await _hold(hub, alice.member.id, datetime.now(UTC) - timedelta(seconds=1))
    async with jobs.collecting() as ids:
        await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
        async with in_transaction():
            emails = [
                await jobs.enqueue("send_email", {"to": to, "subject": "s", "text": "t"})
                for to in ("ended-1@example.org", "ended-2@example.org")
            ]
    await jobs.relay_collected(ids)
    await locks.execute("SELECT 1 FROM account WHERE id = $1 FOR UPDATE", volunteer_account.id)
    await locks.execute("SELECT 1 FROM transfer WHERE id = $1 FOR UPDATE", hold.id)
    await locks.execute("SELECT 1 FROM outbox_job WHERE id = ANY($1) FOR UPDATE", emails)
    worker = workers(housekeeping_seconds=1)
    # when: the sessions waiting on our locks are ended (the worker itself lives on) ...

    async def stuck() -> bool:
        # the credit, the claims of the two emails, the cron voiding the hold
        queries = await waiting_queries(locks)
        return (
            locking(queries, "account") == 1
            and claims(queries) == 2
            and locking(queries, "transfer") == 1
        )

    async def credit_stuck_again() -> bool:
        return locking(await waiting_queries(locks), "account") == 1

    await until(stuck, 20, "the jobs did not reach the locks", worker)
    assert await end_waiting_sessions(locks) >= 4
    # ... and the credit's retry, at once, mid-transaction again
    await until(credit_stuck_again, 10, "the credit was not retried", worker)
    assert await end_waiting_sessions(locks) >= 1
    ended = datetime.now(UTC)
    await locks.execute("ROLLBACK")

    # then: every job is done, once, within the deadline
    async def settled() -> bool:
        voided = (await Transfer.get(id=hold.id)).status == TransferStatus.VOIDED
        return voided and await all_jobs_done(since)

    deadline = schedule.recovery_deadline().total_seconds()
    await until(settled, deadline + 10, "not settled", worker)
    took = (datetime.now(UTC) - ended).total_seconds()
    print(f"sessions ended to every job done: {took:.2f} s")
    assert took <= deadline + 2
    await assert_one_credit_per_record(hub.id, [record.id])
    assert (await Account.get(id=volunteer_account.id)).balance == 30
    assert_one_email_each(["ended-1@example.org", "ended-2@example.org"])
    await assert_ledger_sound(hub.id)
    earn = await OutboxJob.get(
        id__in=ids, name="event:hours.verified:app.credits.service.earn_for_hours"
    )
    assert (earn.status, earn.attempts) == (JobStatus.DONE, 3)  # two ended mid-transaction


async def _payment_cut_off_mid_transaction(
    gql: Any, hub: Any, alice: Any, bob: Any, locks: asyncpg.Connection, key: str
) -> dict[str, Any]:
    """alice pays bob while a lock holds her account, and the request's session is ended."""
    account = await fund_member(hub.id, alice.member.id, 100)
    await locks.execute("SELECT 1 FROM account WHERE id = $1 FOR UPDATE", account.id)
    variables = {
        "input": {"payeeId": _gid("Member", bob.member.id), "amount": 30, "idempotencyKey": key}
    }
    request = asyncio.create_task(gql.raw(PAY, variables, as_=alice))

    async def waiting() -> bool:
        return locking(await waiting_queries(locks), "account") == 1

    await until(waiting, 10, "the payment did not reach the lock")
    await end_waiting_sessions(locks)
    await locks.execute("ROLLBACK")
    body: dict[str, Any] = await request  # gql.raw: HTTP 200, never a 5xx
    return body


async def test_a_request_whose_session_is_ended_mid_transaction_leaves_nothing_behind(
    gql: Any, hub: Any, alice: Any, make_person: Any, locks: asyncpg.Connection
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    key = uuid.uuid4().hex
    # when: a payment's database session is ended mid-transaction
    body = await _payment_cut_off_mid_transaction(gql, hub, alice, bob, locks, key)
    # then: it failed and moved nothing
    assert body["errors"] and body["data"] is None
    assert (await Account.get(hub_id=hub.id, member_id=alice.member.id)).balance == 100
    # when: the app sends it again (same idempotency key), and once more
    variables = {
        "input": {"payeeId": _gid("Member", bob.member.id), "amount": 30, "idempotencyKey": key}
    }
    first = await gql(PAY, variables, as_=alice)
    again = await gql(PAY, variables, as_=alice)
    # then: the API works at once (the pool replaced the connection), and paid once
    assert first["payMember"]["errors"] == [] and again == first
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 30
    await assert_ledger_sound(hub.id)


async def test_a_request_whose_session_is_ended_gets_a_retryable_error_not_a_masked_one(
    gql: Any, hub: Any, alice: Any, make_person: Any, locks: asyncpg.Connection
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    # when
    body = await _payment_cut_off_mid_transaction(gql, hub, alice, bob, locks, uuid.uuid4().hex)
    # then
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
