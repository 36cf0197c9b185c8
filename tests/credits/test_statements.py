"""Statements (running balance, filters, paging), the hub's books and the category report."""

import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from app.credits import offers
from app.organisations import service as organisations
from app.people.models import Role
from tests.credits.conftest import books
from tests.helpers import Person, create_person
from tests.opportunities.conftest import actor_of

PAY = """
mutation Pay($input: PayMemberInput!) { payMember(input: $input) { errors { code field } } }"""
REQUEST = """
mutation Request($input: RequestPaymentInput!) {
  requestPayment(input: $input) { paymentRequest { id } errors { code field } }
}"""
APPROVE = """
mutation Approve($input: ApprovePaymentRequestInput!) {
  approvePaymentRequest(input: $input) { paymentRequest { status } errors { code field } }
}"""
CANCEL = """
mutation Cancel($input: CancelPaymentRequestInput!) {
  cancelPaymentRequest(input: $input) { paymentRequest { status } errors { code field } }
}"""
STATEMENT = """
query Statement(
  $first: Int, $after: String, $category: String, $since: DateTime, $until: DateTime
) {
  myStatement(first: $first, after: $after, category: $category, since: $since, until: $until) {
    edges { node { id amount balanceAfter category transfer { kind memo } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MY_CREDITS = "{ myCredits { balance held available } }"
TOTALS = "{ hubCreditTotals { issued circulating held spentAtBusinesses books } }"
REPORT = """
query Report($since: DateTime!, $until: DateTime!) {
  hubTransfersByCategory(since: $since, until: $until) { category kind transfers amount }
}"""


async def _pay(
    gql: Any, payer: Person, payee: Person, amount: int, category: str = "", memo: str = ""
) -> None:
    data = await gql(
        PAY,
        {
            "input": {
                "payeeId": payee.gid,
                "amount": amount,
                "category": category,
                "memo": memo,
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        as_=payer,
    )
    assert data["payMember"]["errors"] == []


async def _request(
    gql: Any, requester: Person, payers: list[tuple[Person, int]], category: str
) -> str:
    data = await gql(
        REQUEST,
        {
            "input": {
                "payers": [{"memberId": p.gid, "amount": a} for p, a in payers],
                "category": category,
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        as_=requester,
    )
    assert data["requestPayment"]["errors"] == []
    return data["requestPayment"]["paymentRequest"]["id"]  # type: ignore[no-any-return]


async def _approve(gql: Any, payer: Person, request_id: str) -> str:
    data = await gql(
        APPROVE,
        {"input": {"requestId": request_id, "idempotencyKey": uuid.uuid4().hex}},
        as_=payer,
    )
    assert data["approvePaymentRequest"]["errors"] == []
    return data["approvePaymentRequest"]["paymentRequest"]["status"]  # type: ignore[no-any-return]


async def _walk(gql: Any, person: Person, first: int, **filters: Any) -> list[dict[str, Any]]:
    """Every statement line, page by page."""
    lines: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"first": first, "after": after, **filters}
        page = (await gql(STATEMENT, variables, as_=person))["myStatement"]
        lines += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return lines
        after = page["pageInfo"]["endCursor"]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


async def test_statement_lists_entries_newest_first_with_a_running_balance(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: alice is funded, pays, is paid, is paid through a request, and has a pending hold
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, alice.member.id, 100)
    await fund(hub.id, bob.member.id, 100)
    await _pay(gql, alice, bob, 10, "gardening", "hedge")
    await _pay(gql, bob, alice, 7, "repairs", "bike")
    await _pay(gql, alice, bob, 20, "repairs", "shelf")
    paid = await _request(gql, alice, [(bob, 12)], "cooking")
    assert await _approve(gql, bob, paid) == "COMPLETED"
    held = await _request(gql, bob, [(alice, 30), (carol, 30)], "moving")
    assert await _approve(gql, alice, held) == "PENDING"
    # when
    lines = await _walk(gql, alice, first=2)
    # then: newest first, each line's balance follows from the one before it
    assert [(line["amount"], line["balanceAfter"]) for line in lines] == [
        (12, 89),
        (-20, 77),
        (7, 97),
        (-10, 90),
        (100, 100),
    ]
    assert [line["transfer"]["kind"] for line in lines] == [
        "EXCHANGE",
        "EXCHANGE",
        "EXCHANGE",
        "EXCHANGE",
        "ADJUSTMENT",
    ]
    assert [line["category"] for line in lines[:4]] == [
        "cooking",
        "repairs",
        "repairs",
        "gardening",
    ]
    for newer, older in pairwise(lines):
        assert newer["balanceAfter"] == older["balanceAfter"] + newer["amount"]
    # a hold is not an entry: it shows in `held`, never in the statement
    assert (await gql(MY_CREDITS, as_=alice))["myCredits"] == {
        "balance": lines[0]["balanceAfter"],
        "held": 30,
        "available": 59,
    }
    # bob's statement is his own
    assert [line["amount"] for line in await _walk(gql, bob, first=10)] == [-12, 20, -7, 10, 100]


async def test_statement_pages_stably(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    for amount in range(1, 8):
        await _pay(gql, alice, bob, amount)
    # when: walked in pages of 1, 2, 3 and in one page, twice
    walks = [await _walk(gql, alice, first=size) for size in (1, 2, 3, 50, 2)]
    # then: the same lines in the same order, each exactly once
    ids = [[line["id"] for line in walk] for walk in walks]
    assert all(walk == ids[0] for walk in ids)
    assert len(ids[0]) == len(set(ids[0])) == 8
    assert [line["amount"] for line in walks[0]] == [-7, -6, -5, -4, -3, -2, -1, 100]


async def test_statement_pages_do_not_repeat_lines_when_new_entries_arrive(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    for amount in (1, 2, 3):
        await _pay(gql, alice, bob, amount)
    first = (await gql(STATEMENT, {"first": 2}, as_=alice))["myStatement"]
    # when: a new payment lands before the next page is asked for
    await _pay(gql, alice, bob, 4)
    after = first["pageInfo"]["endCursor"]
    second = (await gql(STATEMENT, {"first": 2, "after": after}, as_=alice))["myStatement"]
    # then: the next page continues where the first ended
    assert [e["node"]["amount"] for e in first["edges"] + second["edges"]] == [-3, -2, -1, 100]


async def test_statement_filters_by_category_and_period(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: payments in three moments t0 < t1 < t2 < t3
    bob = await make_person()
    await fund(hub.id, alice.member.id, 100)
    t0 = datetime.now(UTC)
    await _pay(gql, alice, bob, 10, "Gardening")
    await _pay(gql, alice, bob, 20, "repairs")
    t1 = datetime.now(UTC)
    await _pay(gql, alice, bob, 5, "gardening")
    t2 = datetime.now(UTC)
    await _pay(gql, alice, bob, 3, "repairs")
    t3 = datetime.now(UTC)

    async def amounts(**filters: Any) -> list[int]:
        return [line["amount"] for line in await _walk(gql, alice, first=2, **filters)]

    # when / then: by category (matched case-insensitively)
    assert await amounts(category="GARDENING") == [-5, -10]
    assert await amounts(category="repairs") == [-3, -20]
    assert await amounts(category="nothing-like-it") == []
    # by period: since is inclusive, until exclusive
    assert await amounts(since=_iso(t1)) == [-3, -5]
    assert await amounts(until=_iso(t1)) == [-20, -10, 100]
    assert await amounts(since=_iso(t0), until=_iso(t2)) == [-5, -20, -10]
    assert await amounts(since=_iso(t1), until=_iso(t2)) == [-5]
    assert await amounts(since=_iso(t3)) == []
    # both
    assert await amounts(category="gardening", since=_iso(t1)) == [-5]
    assert await amounts(category="repairs", since=_iso(t0), until=_iso(t2)) == [-20]
    # running balances are the account's, whatever the filter
    filtered = await _walk(gql, alice, first=10, category="repairs")
    assert [line["balanceAfter"] for line in filtered] == [62, 70]


async def test_hub_credit_totals_for_hub_admins_only(
    gql: Any, hub: Any, other_hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: 150 issued; an exchange; a held share; a voucher bought at a business
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, alice.member.id, 100)
    await fund(hub.id, bob.member.id, 50)
    await _pay(gql, alice, bob, 30, "repairs")
    request = await _request(gql, carol, [(bob, 20), (alice, 5)], "moving")
    assert await _approve(gql, bob, request) == "PENDING"
    shop = await organisations.create_organisation(
        actor=actor_of(alice), name="Corner Cafe", kind="business"
    )
    now = datetime.now(UTC)
    offer = await offers.create_offer(
        actor=actor_of(alice),
        organisation_id=shop.id,
        fields={
            "title": "Coffee",
            "cost": 25,
            "stock": 5,
            "valid_from": now - timedelta(hours=1),
            "valid_until": now + timedelta(days=1),
        },
    )
    await offers.redeem(actor=actor_of(alice), offer_id=offer.id, idempotency_key=uuid.uuid4().hex)
    outsider_admin = await create_person(hub=other_hub, roles=[Role.HUB_ADMIN])
    await fund(other_hub.id, outsider_admin.member.id, 7)
    # when
    totals = (await gql(TOTALS, as_=admin))["hubCreditTotals"]
    # then: credits at businesses still circulate; the books balance
    assert totals == {
        "issued": 150,
        "circulating": 150,
        "held": 20,
        "spentAtBusinesses": 25,
        "books": 0,
    }
    assert await books(hub.id) == 0
    # another hub's admin sees only their own hub
    assert (await gql(TOTALS, as_=outsider_admin))["hubCreditTotals"] == {
        "issued": 7,
        "circulating": 7,
        "held": 0,
        "spentAtBusinesses": 0,
        "books": 0,
    }
    # members are refused with a GraphQL error, anonymous callers too
    for person in (alice, bob):
        refused = await gql.raw(TOTALS, as_=person)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await gql.raw(TOTALS)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_hub_transfers_by_category_sums_posted_transfers_of_the_period(
    gql: Any, hub: Any, other_hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: funding before the period; a share held before it and completed in it
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob, carol = await make_person(), await make_person()
    for person in (alice, bob, carol):
        await fund(hub.id, person.member.id, 100)
    shared = await _request(gql, alice, [(bob, 4), (carol, 4)], "Gardening")
    assert await _approve(gql, bob, shared) == "PENDING"
    since = datetime.now(UTC)
    # in the period: exchanges, a completed shared payment, a pending and a voided hold
    await _pay(gql, alice, bob, 10, "gardening")
    await _pay(gql, bob, alice, 5, "gardening")
    await _pay(gql, alice, carol, 20, "repairs")
    assert await _approve(gql, carol, shared) == "COMPLETED"
    pending = await _request(gql, alice, [(bob, 9), (carol, 9)], "gardening")
    assert await _approve(gql, bob, pending) == "PENDING"
    single = await _request(gql, alice, [(carol, 6)], "repairs")
    assert await _approve(gql, carol, single) == "COMPLETED"
    cancelled = await _request(gql, bob, [(alice, 11), (carol, 11)], "repairs")
    assert await _approve(gql, alice, cancelled) == "PENDING"
    assert (await gql(CANCEL, {"input": {"requestId": cancelled}}, as_=bob))[
        "cancelPaymentRequest"
    ]["errors"] == []
    until = datetime.now(UTC)
    # after the period
    await _pay(gql, alice, bob, 1, "later")
    period = {"since": _iso(since), "until": _iso(until)}
    # when
    report = (await gql(REPORT, period, as_=admin))["hubTransfersByCategory"]
    # then: posted transfers only, by the time they were posted; biggest first
    assert report == [
        {"category": "repairs", "kind": "exchange", "transfers": 2, "amount": 26},
        {"category": "gardening", "kind": "exchange", "transfers": 4, "amount": 23},
    ]
    whole = {"since": _iso(since - timedelta(days=1)), "until": _iso(until + timedelta(days=1))}
    everything = (await gql(REPORT, whole, as_=admin))["hubTransfersByCategory"]
    assert {
        "category": "adjustments",
        "kind": "adjustment",
        "transfers": 3,
        "amount": 300,
    } in everything
    assert {"category": "later", "kind": "exchange", "transfers": 1, "amount": 1} in everything
    # another hub's admin sees nothing of it
    outsider_admin = await create_person(hub=other_hub, roles=[Role.HUB_ADMIN])
    assert (await gql(REPORT, whole, as_=outsider_admin))["hubTransfersByCategory"] == []
    # members are refused; an empty or reversed period is bad input
    refused = await gql.raw(REPORT, period, as_=bob)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    reversed_period = {"since": period["until"], "until": period["since"]}
    bad = await gql.raw(REPORT, reversed_period, as_=admin)
    assert bad["errors"][0]["extensions"] == {"code": "INVALID", "field": "until"}
