"""Statements with running balances, and the hub's books and category report."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from app.people.models import Role
from schema.relay import encode_id

PAY = """mutation($input: PayMemberInput!) { payMember(input: $input) { errors { code } } }"""
STATEMENT = """query($category: String, $since: DateTime, $after: String) {
  myStatement(first: 2, category: $category, since: $since, after: $after) {
    edges { node { amount balanceAfter category } } pageInfo { hasNextPage endCursor } } }"""
TOTALS = "{ hubCreditTotals { issued circulating held spentAtBusinesses books } }"
REPORT = """query($since: DateTime!, $until: DateTime!) { hubTransfersByCategory(since: $since, until: $until) { category kind transfers amount } }"""


async def _pay(gql: Any, payer: Any, payee: Any, amount: int, category: str) -> None:
    data = await gql(
        PAY,
        {
            "input": {
                "payeeId": str(encode_id("Member", payee.member.id)),
                "amount": amount,
                "category": category,
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        as_=payer,
    )
    assert data["payMember"]["errors"] == []


async def test_statement_pages_filters_and_running_balance(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    await _pay(gql, alice, bob, 10, "gardening")
    await _pay(gql, alice, bob, 20, "repairs")
    await _pay(gql, alice, bob, 5, "gardening")
    walked, after = [], None
    while True:
        page = (await gql(STATEMENT, {"after": after}, as_=alice))["myStatement"]
        walked += [(e["node"]["amount"], e["node"]["balanceAfter"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == [(-5, 65), (-20, 70), (-10, 90), (100, 100)]
    garden = (await gql(STATEMENT, {"category": "gardening"}, as_=alice))["myStatement"]["edges"]
    assert [e["node"]["amount"] for e in garden] == [-5, -10]
    future = await gql(
        STATEMENT, {"since": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, as_=alice
    )
    assert future["myStatement"]["edges"] == []


async def test_hub_books_and_report_for_hub_admins(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    await _pay(gql, alice, bob, 30, "repairs")
    totals = (await gql(TOTALS, as_=admin))["hubCreditTotals"]
    assert totals == {
        "issued": 100,
        "circulating": 100,
        "held": 0,
        "spentAtBusinesses": 0,
        "books": 0,
    }
    assert (await gql.raw(TOTALS, as_=bob))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    period = {
        "since": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "until": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    report = (await gql(REPORT, period, as_=admin))["hubTransfersByCategory"]
    assert {"category": "repairs", "kind": "exchange", "transfers": 1, "amount": 30} in report
    assert (await gql.raw(REPORT, period, as_=bob))["errors"][0]["extensions"][
        "code"
    ] == "FORBIDDEN"
