"""A lowered overdraft limit applies to new debt only: a member who owes more keeps the debt,
receives credits and settles holds made before, and cannot spend until back within it; the
database (trigger account_within_limit) refuses what the ledger refuses."""

from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.audit.models import AuditEvent
from app.credits import ledger
from app.credits.models import Account, TransferKind
from app.errors import DomainError
from app.people.models import Role
from tests.credits.test_pay import HUB, ME, PAY, _input


async def _limit(gql: Any, admin: Any, limit: int) -> dict[str, Any]:
    answer = await gql.raw(HUB, {"input": {"memberOverdraftLimit": limit}}, as_=admin)
    assert "errors" not in answer, answer
    return answer["data"]["updateHub"]  # type: ignore[no-any-return]


async def test_a_member_owing_more_than_a_lowered_limit_keeps_the_debt_and_pays_back_first(
    gql: Any, hub: Any, alice: Any, make_person: Any
) -> None:
    # given: a limit of 50, alice 40 below zero
    admin, bob = await make_person(roles=[Role.HUB_ADMIN]), await make_person()
    await _limit(gql, admin, 50)
    assert (await gql(PAY, _input(bob, 40), as_=alice))["payMember"]["errors"] == []
    # when: the hub admin lowers the limit to 10
    done = await _limit(gql, admin, 10)
    # then: it applies to everyone at once; alice's debt stays as it was
    assert done == {"hub": {"memberOverdraftLimit": 10}, "errors": []}
    me = (await gql(ME, as_=alice))["myCredits"]
    assert me == {"balance": -40, "held": 0, "available": -40, "overdraftLimit": 10}
    event = await AuditEvent.filter(hub_id=hub.id, action="hub.update").order_by("-id").first()
    assert event is not None
    assert event.data == {"member_overdraft_limit": 10, "members_owing_more": 1}
    # then: she cannot spend a credit, and is told why
    [refused] = (await gql(PAY, _input(bob, 1), as_=alice))["payMember"]["errors"]
    assert refused["code"] == "INSUFFICIENT_CREDITS"
    assert "40 owed, more than the overdraft limit of 10" in refused["message"]
    # when: she receives credits, still owing more than the limit
    assert (await gql(PAY, _input(alice, 25), as_=bob))["payMember"]["errors"] == []
    # then: still nothing to spend
    assert (await gql(PAY, _input(bob, 1), as_=alice))["payMember"]["errors"] != []
    # when: back within the limit (-5), she may spend down to it, and no further
    assert (await gql(PAY, _input(alice, 10), as_=bob))["payMember"]["errors"] == []
    assert (await gql(PAY, _input(bob, 6), as_=alice))["payMember"]["errors"] != []
    assert (await gql(PAY, _input(bob, 5), as_=alice))["payMember"]["errors"] == []
    assert (await gql(ME, as_=alice))["myCredits"]["balance"] == -10


async def test_a_hold_made_before_the_limit_was_lowered_is_still_settled(
    gql: Any, hub: Any, alice: Any, make_person: Any
) -> None:
    # given: alice at -30 with a hold of 20 (available -50, the limit), then the limit goes
    # down to 10
    admin, bob = await make_person(roles=[Role.HUB_ADMIN]), await make_person()
    await _limit(gql, admin, 50)
    await gql(PAY, _input(bob, 30), as_=alice)
    src = await ledger.member_account(hub.id, alice.member.id)
    dst = await ledger.member_account(hub.id, bob.member.id)
    async with in_transaction():
        first = await ledger.hold(
            source=src, destination=dst, amount=10, kind=TransferKind.EXCHANGE
        )
        second = await ledger.hold(
            source=src, destination=dst, amount=10, kind=TransferKind.EXCHANGE
        )
    await _limit(gql, admin, 10)
    # when: one hold is posted (its credits were reserved under the old limit), one voided
    async with in_transaction():
        await ledger.post_hold(first.id)
        await ledger.void_hold(second.id)
    # then: both settle; the credits moved once
    account = await Account.get(id=src.id)
    assert (account.balance, account.held, account.overdraft_limit) == (-40, 0, 10)
    # then: no new hold below the limit
    with pytest.raises(DomainError, match="Not enough credits"):
        async with in_transaction():
            await ledger.hold(source=src, destination=dst, amount=1, kind=TransferKind.EXCHANGE)


async def test_the_database_lets_an_account_below_its_limit_only_go_up(
    gql: Any, hub: Any, alice: Any, make_person: Any
) -> None:
    # given: alice 40 below zero under a limit lowered to 10; bob at 40, within it
    admin, bob = await make_person(roles=[Role.HUB_ADMIN]), await make_person()
    await _limit(gql, admin, 50)
    await gql(PAY, _input(bob, 40), as_=alice)
    await _limit(gql, admin, 10)
    conn = Tortoise.get_connection("default")
    alice_account = await ledger.member_account(hub.id, alice.member.id)
    bob_account = await ledger.member_account(hub.id, bob.member.id)
    update = "UPDATE account SET balance = balance + $2, held = held + $3 WHERE id = $1"
    # when/then: what takes an account below its limit, or further below, is refused
    for account_id, balance, held in (
        (alice_account.id, -1, 0),  # further down
        (alice_account.id, 0, 1),  # a hold further down
        (bob_account.id, -51, 0),  # from within to below
    ):
        with pytest.raises(IntegrityError, match="further below its overdraft limit"):
            async with in_transaction():
                await conn.execute_query(update, [account_id, balance, held])
    # when/then: what moves it up, or leaves its available balance as it is, is not
    await conn.execute_query(update, [alice_account.id, 5, 0])
    await conn.execute_query(
        "UPDATE account SET overdraft_limit = 5 WHERE id = $1", [alice_account.id]
    )
    account = await Account.get(id=alice_account.id)
    assert (account.balance, account.held, account.overdraft_limit) == (-35, 0, 5)
