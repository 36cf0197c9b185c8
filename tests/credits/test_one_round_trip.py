"""A payment is one statement (credits_pay, migrations/0028_ledger_functions.py), plus at most
one for authentication and none when the token is remembered; and a posting whose connection is
ended halfway leaves no trace, so the retry with the same key pays once."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from tortoise.exceptions import IntegrityError

from app.actor import Actor
from app.audit.models import AuditEvent
from app.auth import cache as auth_cache
from app.config import get_settings
from app.credits import ledger, service
from app.credits.models import Account, Entry, IdempotencyKey, Transfer
from app.people.models import Role
from tests.credits.conftest import books
from tests.helpers import count_sql
from tests.jobs.pg import until

PAY = """
mutation Pay($input: PayMemberInput!) {
  payMember(input: $input) { transfer { id amount kind status } errors { code field message } }
}"""


@pytest.fixture
async def locks() -> AsyncIterator[asyncpg.Connection]:
    """A session of the test's own, in an open transaction, that holds row locks."""
    conn = await asyncpg.connect(get_settings().database_url)
    await conn.execute("BEGIN")
    try:
        yield conn
    finally:
        await conn.close()


def _input(payee: Any, amount: int) -> dict[str, Any]:
    return {
        "input": {
            "payeeId": payee.gid,
            "amount": amount,
            "idempotencyKey": uuid.uuid4().hex,
        }
    }


async def test_pay_member_runs_one_statement_and_at_most_one_to_authenticate(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    # given: a token this process has not seen yet
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    assert await auth_cache.ready(5), "the revocation channel did not come up"
    auth_cache.clear()
    # when: two payments, the second with the token remembered
    with count_sql() as first:
        paid = await gql(PAY, _input(bob, 10), as_=alice)
    with count_sql() as second:
        again = await gql(PAY, _input(bob, 15), as_=alice)
    # then
    assert paid["payMember"]["errors"] == again["payMember"]["errors"] == []
    assert again["payMember"]["transfer"]["amount"] == 15
    assert len(first.statements) <= 2, first.statements
    assert len(second.statements) == 1, second.statements
    assert "credits_pay(" in second.statements[0]
    assert (await Account.get(hub_id=hub.id, member_id=alice.member.id)).balance == 75


async def test_a_refused_payment_is_one_statement_too(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person()
    await fund(hub.id, alice.member.id, 5)
    await gql(PAY, _input(bob, 1), as_=alice)  # the token is remembered
    # when
    with count_sql() as counted:
        refused = await gql(PAY, _input(bob, 50), as_=alice)
    # then
    assert refused["payMember"]["errors"][0]["code"] == "INSUFFICIENT_CREDITS"
    assert len(counted.statements) == 1, counted.statements
    assert await IdempotencyKey.filter(member_id=alice.member.id).count() == 1


async def _session_stopped_in_audit(conn: asyncpg.Connection) -> int:
    """The backend running credits_pay that waits for a lock, once it has one."""
    found: list[int] = []

    async def waiting() -> bool:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        found[:] = [
            r["pid"]
            for r in await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
                " AND query LIKE '%credits_pay(%'"
            )
        ]
        return len(found) == 1

    await until(waiting, 10, "the payment never waited on the held member row")
    return found[0]


async def test_a_posting_ended_halfway_leaves_the_books_whole_and_the_retry_pays_once(
    hub: Any, alice: Any, make_person: Any, fund: Any, locks: asyncpg.Connection
) -> None:
    # given: a coordinator pays for Alice; the test holds the coordinator's member row, which
    # the audit row's foreign key must share-lock: the posting stops there, after it wrote the
    # transfer, both balances and the entries
    bob = await make_person(display_name="Bob")
    coordinator = await make_person(display_name="Coordinator")
    account = await fund(hub.id, alice.member.id, 100)
    actor = Actor(member=alice.member, roles=frozenset({Role.MEMBER}), acted_by=coordinator.member)
    key = uuid.uuid4().hex
    await locks.execute("SELECT 1 FROM member WHERE id = $1 FOR UPDATE", coordinator.member.id)

    async def pay() -> Transfer:
        return await service.pay(
            actor=actor, payee_id=bob.member.id, amount=30, memo="Shopping", idempotency_key=key
        )

    payment = asyncio.create_task(pay())
    pid = await _session_stopped_in_audit(locks)
    written = {
        r["rel"]
        for r in await locks.fetch(
            "SELECT relation::regclass::text AS rel FROM pg_locks"
            " WHERE pid = $1 AND granted AND mode = 'RowExclusiveLock'",
            pid,
        )
    }
    assert {"idempotency_key", "transfer", "account", "entry", "audit_event"} <= written
    # when: its connection is ended from another session
    assert await locks.fetchval("SELECT pg_terminate_backend($1)", pid)
    with pytest.raises(Exception) as ended:
        await payment
    await locks.execute("ROLLBACK")
    # then: nothing of it stayed
    assert "terminat" in str(ended.value).lower() or "connection" in str(ended.value).lower()
    assert (await Account.get(id=account.id)).balance == 100
    assert await books(hub.id) == 0
    assert await Transfer.filter(hub_id=hub.id, kind="exchange").count() == 0
    assert await Entry.filter(account_id=account.id).count() == 1  # the funding
    assert not await IdempotencyKey.exists(member_id=alice.member.id, key=key)
    assert not await AuditEvent.exists(hub_id=hub.id, action="credits.pay")
    # and when: the client retries with the same key, twice
    retried = await pay()
    again = await pay()
    # then: it paid once
    assert retried.id == again.id
    assert (await Account.get(id=account.id)).balance == 70
    assert (await Account.get(hub_id=hub.id, member_id=bob.member.id)).balance == 30
    assert await Transfer.filter(hub_id=hub.id, kind="exchange").count() == 1
    assert [
        (e.amount, e.balance_after)
        for e in await Entry.filter(account_id=account.id).order_by("id")
    ] == [(100, 100), (-30, 70)]
    audit = await AuditEvent.get(hub_id=hub.id, action="credits.pay")
    assert (audit.actor_id, audit.acted_by_id, audit.object_id) == (
        alice.member.id,
        coordinator.member.id,
        retried.id,
    )
    assert await books(hub.id) == 0


async def test_an_accounts_holder_never_changes(hub: Any, alice: Any, make_person: Any) -> None:
    # given
    bob = await make_person()
    account = await ledger.member_account(hub.id, alice.member.id)
    # when / then: the process may remember whose account is which
    with pytest.raises(IntegrityError, match="append-only"):
        await Account.filter(id=account.id).update(member_id=bob.member.id)
