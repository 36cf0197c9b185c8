"""Timebank payments: flows, bad input, idempotency, and 200 racing spends."""

import asyncio
import uuid
from collections import Counter
from typing import Any

from app.credits.models import Account, Entry, Transfer
from schema.relay import encode_id
from tests.credits.conftest import books
from tests.helpers import create_person

PAY = """
mutation Pay($input: PayMemberInput!) {
  payMember(input: $input) { transfer { id amount kind status memo category } errors { code field message } }
}"""
ME = "{ myCredits { balance held available overdraftLimit } }"
STATEMENT = """
query { myStatement(first: 10) { edges { node { amount balanceAfter category transfer { memo } } } } }
"""


def _input(payee: Any, amount: int, key: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "payeeId": str(encode_id("Member", payee.member.id)),
            "amount": amount,
            "idempotencyKey": key or uuid.uuid4().hex,
            **extra,
        }
    }


async def test_pay_for_a_service(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    await fund(hub.id, alice.member.id, 100)
    # when
    data = await gql(PAY, _input(bob, 30, memo="Fixed my bike", category="Repairs"), as_=alice)
    # then
    transfer = data["payMember"]["transfer"]
    assert data["payMember"]["errors"] == []
    assert transfer | {"id": None} == {
        "id": None,
        "amount": 30,
        "kind": "EXCHANGE",
        "status": "POSTED",
        "memo": "Fixed my bike",
        "category": "repairs",
    }
    assert (await gql(ME, as_=alice))["myCredits"] == {
        "balance": 70,
        "held": 0,
        "available": 70,
        "overdraftLimit": 0,
    }
    assert (await gql(ME, as_=bob))["myCredits"]["balance"] == 30
    lines = (await gql(STATEMENT, as_=alice))["myStatement"]["edges"]
    assert [(e["node"]["amount"], e["node"]["balanceAfter"]) for e in lines] == [
        (-30, 70),
        (100, 100),
    ]
    assert await books(hub.id) == 0


async def test_bad_payments_are_typed_errors_and_write_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob = await make_person()
    stranger = await create_person(hub=other_hub)
    await fund(hub.id, alice.member.id, 50)
    cases = [
        (_input(bob, 0), "INVALID", "amount"),
        (_input(bob, -5), "INVALID", "amount"),
        (_input(bob, 51), "INSUFFICIENT_CREDITS", "amount"),
        (_input(alice, 5), "SAME_ACCOUNT", "payeeId"),
        (_input(stranger, 5), "NOT_FOUND", "payeeId"),
        (
            {"input": {**_input(bob, 5)["input"], "payeeId": str(encode_id("Hub", hub.id))}},
            "INVALID",
            "payeeId",
        ),
        (_input(bob, 5, key="short"), "INVALID", "idempotencyKey"),
        (_input(bob, 5, memo="x" * 281), "INVALID", "memo"),
    ]
    for variables, code, field in cases:
        errors = (await gql(PAY, variables, as_=alice))["payMember"]["errors"]
        assert (errors[0]["code"], errors[0]["field"]) == (code, field), variables
    assert (await Account.get(hub_id=hub.id, member_id=alice.member.id)).balance == 50
    assert await Transfer.filter(hub_id=hub.id, kind="exchange").count() == 0


async def test_a_retry_with_the_same_key_pays_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    key = uuid.uuid4().hex
    first = await gql(PAY, _input(bob, 10, key=key), as_=alice)
    again = await gql(PAY, _input(bob, 10, key=key), as_=alice)
    assert first["payMember"]["transfer"]["id"] == again["payMember"]["transfer"]["id"]
    different = await gql(PAY, _input(bob, 11, key=key), as_=alice)
    assert different["payMember"]["errors"][0]["code"] == "IDEMPOTENCY_MISMATCH"
    assert (await Account.get(hub_id=hub.id, member_id=alice.member.id)).balance == 90


async def test_concurrent_retries_with_one_key_make_one_transfer(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    variables = _input(bob, 7, key=uuid.uuid4().hex)
    results = await asyncio.gather(*(gql(PAY, variables, as_=alice) for _ in range(20)))
    assert len({r["payMember"]["transfer"]["id"] for r in results}) == 1
    assert all(r["payMember"]["errors"] == [] for r in results)
    assert (await Account.get(hub_id=hub.id, member_id=alice.member.id)).balance == 93


async def test_200_concurrent_spends_never_go_below_the_limit(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    # given: 1000 credits and an overdraft limit of 50
    bob = await make_person()
    account = await fund(hub.id, alice.member.id, 1000)
    await Account.filter(id=account.id).update(overdraft_limit=50)
    # when: 200 payments of 10 race each other
    results = await asyncio.gather(*(gql(PAY, _input(bob, 10), as_=alice) for _ in range(200)))
    # then: exactly 105 go through (1000 + 50 overdraft), the rest are refused
    outcomes = Counter((r["payMember"]["errors"] or [{"code": "OK"}])[0]["code"] for r in results)
    assert outcomes == {"OK": 105, "INSUFFICIENT_CREDITS": 95}
    assert (await Account.get(id=account.id)).balance == -50
    assert await books(hub.id) == 0
    entries = (
        await Entry.filter(account_id=account.id)
        .order_by("id")
        .values_list("amount", "balance_after")
    )
    running = 0
    for amount, balance_after in entries:
        running += amount
        assert balance_after == running


REVERSE = """mutation($input: ReverseTransferInput!) { reverseTransfer(input: $input) { transfer { kind amount } errors { code field } } }"""
HUB = """mutation($input: UpdateHubInput!) { updateHub(input: $input) { hub { memberOverdraftLimit } errors { code field } } }"""


async def test_hub_admins_reverse_a_transfer_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    from app.people.models import Role

    admin, bob = await make_person(roles=[Role.HUB_ADMIN]), await make_person()
    await fund(hub.id, alice.member.id, 100)
    paid = await gql(PAY, _input(bob, 25), as_=alice)
    variables = {
        "input": {
            "transferId": paid["payMember"]["transfer"]["id"],
            "reason": "Paid by mistake",
            "idempotencyKey": uuid.uuid4().hex,
        }
    }
    refused = await gql(REVERSE, variables, as_=alice)
    assert refused["reverseTransfer"]["errors"][0]["code"] == "FORBIDDEN"
    done = await gql(REVERSE, variables, as_=admin)
    assert done["reverseTransfer"]["transfer"] == {"kind": "REVERSAL", "amount": 25}
    twice = await gql(
        REVERSE, {"input": {**variables["input"], "idempotencyKey": uuid.uuid4().hex}}, as_=admin
    )
    assert twice["reverseTransfer"]["errors"][0]["field"] == "transferId"
    assert (await Account.get(hub_id=hub.id, member_id=alice.member.id)).balance == 100
    assert await books(hub.id) == 0


async def test_the_hub_sets_the_members_overdraft_limit(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    from app.people.models import Role

    admin, bob = await make_person(roles=[Role.HUB_ADMIN]), await make_person()
    await fund(hub.id, alice.member.id, 10)
    assert (await gql(PAY, _input(bob, 15), as_=alice))["payMember"]["errors"][0][
        "code"
    ] == "INSUFFICIENT_CREDITS"
    set_limit = await gql(HUB, {"input": {"memberOverdraftLimit": 10}}, as_=admin)
    assert set_limit["updateHub"]["hub"] == {"memberOverdraftLimit": 10}
    assert (await gql(PAY, _input(bob, 15), as_=alice))["payMember"]["errors"] == []
    assert (await gql(ME, as_=alice))["myCredits"]["balance"] == -5
    assert (await gql(HUB, {"input": {"memberOverdraftLimit": -1}}, as_=admin))["updateHub"][
        "errors"
    ][0]["field"] == "memberOverdraftLimit"
