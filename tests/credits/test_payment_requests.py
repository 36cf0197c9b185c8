"""Payment requests: one or several payers, all shares or none, holds never left hanging."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from strawberry import relay

from app.credits import payment_requests
from app.credits.models import Account, Entry, PaymentRequest
from schema.relay import encode_id
from tests.credits.conftest import books
from tests.helpers import create_person

REQUEST = """
mutation($input: RequestPaymentInput!) { requestPayment(input: $input) {
  paymentRequest { id status shares { amount status payer { displayName } } } errors { code field message } } }"""
APPROVE = """mutation($input: ApprovePaymentRequestInput!) { approvePaymentRequest(input: $input) { paymentRequest { status } errors { code field } } }"""
DECLINE = """mutation($input: DeclinePaymentRequestInput!) { declinePaymentRequest(input: $input) { paymentRequest { status } errors { code field } } }"""
CANCEL = """mutation($input: CancelPaymentRequestInput!) { cancelPaymentRequest(input: $input) { paymentRequest { status } errors { code field } } }"""
MINE = """query($role: PaymentRequestRole!) { myPaymentRequests(role: $role, first: 10) { edges { node { status memo } } } }"""


def _approving(request_id: str, key: str | None = None) -> dict[str, Any]:
    return {"input": {"requestId": request_id, "idempotencyKey": key or uuid.uuid4().hex}}


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def _ask(
    gql: Any, requester: Any, payers: list[tuple[Any, int]], **extra: Any
) -> dict[str, Any]:
    variables = {
        "input": {
            "payers": [{"memberId": p.gid, "amount": a} for p, a in payers],
            "memo": "Garden clearance",
            "category": "Gardening",
            "idempotencyKey": uuid.uuid4().hex,
            **extra,
        }
    }
    return (await gql(REQUEST, variables, as_=requester))["requestPayment"]  # type: ignore[no-any-return]


async def _account(hub: Any, person: Any) -> Account:
    return await Account.get(hub_id=hub.id, member_id=person.member.id)


async def test_one_payer_approves_and_credits_move_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob = await make_person(display_name="Bob")
    await fund(hub.id, bob.member.id, 100)
    asked = await _ask(gql, alice, [(bob, 40)])
    assert asked["errors"] == [] and asked["paymentRequest"]["status"] == "PENDING"
    rid = asked["paymentRequest"]["id"]
    done = await gql(APPROVE, _approving(rid), as_=bob)
    assert done["approvePaymentRequest"]["paymentRequest"]["status"] == "COMPLETED"
    again = await gql(APPROVE, _approving(rid), as_=bob)
    assert again["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    assert (await _account(hub, bob)).balance == 60 and (await _account(hub, alice)).balance == 40
    assert [
        e["node"]["memo"]
        for e in (await gql(MINE, {"role": "RECEIVED"}, as_=bob))["myPaymentRequests"]["edges"]
    ] == ["Garden clearance"]


async def test_three_payers_pay_together_or_not_at_all(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    payers = [await make_person(display_name=f"P{n}") for n in range(3)]
    for p in payers:
        await fund(hub.id, p.member.id, 50)
    rid = (await _ask(gql, alice, [(p, 20) for p in payers]))["paymentRequest"]["id"]
    for p in payers[:2]:
        await gql(APPROVE, _approving(rid), as_=p)
    first = await _account(hub, payers[0])
    assert (first.balance, first.held) == (50, 20)  # held, not moved
    requester = await Account.get_or_none(hub_id=hub.id, member_id=alice.member.id)
    assert requester is None or requester.balance == 0
    await gql(APPROVE, _approving(rid), as_=payers[2])
    assert (await _account(hub, alice)).balance == 60
    for p in payers:
        account = await _account(hub, p)
        assert (account.balance, account.held) == (30, 0)
    assert await books(hub.id) == 0


async def test_a_decline_releases_every_hold(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob, carol = await make_person(), await make_person()
    for p in (bob, carol):
        await fund(hub.id, p.member.id, 50)
    rid = (await _ask(gql, alice, [(bob, 20), (carol, 20)]))["paymentRequest"]["id"]
    await gql(APPROVE, _approving(rid), as_=bob)
    declined = await gql(DECLINE, {"input": {"requestId": rid}}, as_=carol)
    assert declined["declinePaymentRequest"]["paymentRequest"]["status"] == "DECLINED"
    assert ((await _account(hub, bob)).balance, (await _account(hub, bob)).held) == (50, 0)
    late = await gql(APPROVE, _approving(rid), as_=carol)
    assert late["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"


async def test_cancel_and_expiry(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, bob.member.id, 50)
    rid = (await _ask(gql, alice, [(bob, 10)]))["paymentRequest"]["id"]
    assert (await gql(CANCEL, {"input": {"requestId": rid}}, as_=bob))["cancelPaymentRequest"][
        "errors"
    ][0]["code"] == "FORBIDDEN"
    assert (await gql(CANCEL, {"input": {"requestId": rid}}, as_=alice))["cancelPaymentRequest"][
        "paymentRequest"
    ]["status"] == "CANCELLED"
    # two payers, one approved (held): at the deadline the request expires and the hold goes
    other = (await _ask(gql, alice, [(bob, 10), (carol, 10)]))["paymentRequest"]["id"]
    await gql(APPROVE, _approving(other), as_=bob)
    assert (await _account(hub, bob)).held == 10
    assert await payment_requests.expire_requests(now=datetime.now(UTC) + timedelta(days=8)) >= 1
    assert (
        await PaymentRequest.get(id=int(relay.GlobalID.from_id(other).node_id))
    ).status == "expired"
    assert ((await _account(hub, bob)).balance, (await _account(hub, bob)).held) == (50, 0)


async def test_bad_requests_are_typed_and_write_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any
) -> None:
    bob = await make_person()
    stranger = await create_person(hub=other_hub)
    people = [await make_person() for _ in range(11)]
    cases = [
        ([(bob, 0)], "INVALID"),
        ([(bob, -3)], "INVALID"),
        ([(alice, 5)], "SAME_ACCOUNT"),
        ([(stranger, 5)], "NOT_FOUND"),
        ([(bob, 5), (bob, 6)], "INVALID"),
        ([(p, 1) for p in people], "INVALID"),
    ]
    for payers, code in cases:
        asked = await _ask(gql, alice, payers)
        assert asked["errors"][0]["code"] == code, payers
    wrong = await gql(
        REQUEST,
        {
            "input": {
                "payers": [{"memberId": gid("Hub", hub.id), "amount": 5}],
                "idempotencyKey": uuid.uuid4().hex,
            }
        },
        as_=alice,
    )
    assert wrong["requestPayment"]["errors"][0] == {
        "code": "INVALID",
        "field": "payers",
        "message": "Expected the ID of a Member.",
    }
    assert await PaymentRequest.filter(hub_id=hub.id).count() == 0


async def test_payers_approving_at_once_complete_it_exactly_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    payers = [await make_person() for _ in range(3)]
    for p in payers:
        await fund(hub.id, p.member.id, 30)
    rid = (await _ask(gql, alice, [(p, 10) for p in payers]))["paymentRequest"]["id"]
    results = await asyncio.gather(*(gql(APPROVE, _approving(rid), as_=p) for p in payers))
    assert all(r["approvePaymentRequest"]["errors"] == [] for r in results)
    assert (await _account(hub, alice)).balance == 30
    alice_account = await _account(hub, alice)
    assert await Entry.filter(account_id=alice_account.id).count() == 3
    assert await books(hub.id) == 0
    for p in payers:
        assert (await _account(hub, p)).held == 0


async def test_a_retried_approval_holds_once(
    gql: Any, hub: Any, alice: Any, make_person: Any, fund: Any
) -> None:
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, bob.member.id, 50)
    rid = (await _ask(gql, alice, [(bob, 20), (carol, 20)]))["paymentRequest"]["id"]
    key = uuid.uuid4().hex
    first = await gql(APPROVE, _approving(rid, key), as_=bob)
    retry = await gql(APPROVE, _approving(rid, key), as_=bob)
    assert first["approvePaymentRequest"] == retry["approvePaymentRequest"]
    assert (await _account(hub, bob)).held == 20
