"""Payment requests: one or several payers, all shares or none, holds never left hanging."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from strawberry import relay

from app.audit.models import AuditEvent
from app.credits import payment_requests
from app.credits.models import (
    Account,
    Entry,
    IdempotencyKey,
    PaymentRequest,
    PaymentShare,
    RequestStatus,
    Transfer,
    TransferStatus,
)
from schema.relay import encode_id
from tests.credits.conftest import books
from tests.helpers import Person, create_person
from workers.tasks import credits_housekeeping

REQUEST = """
mutation Request($input: RequestPaymentInput!) {
  requestPayment(input: $input) {
    paymentRequest { id status memo category shares { amount status payer { displayName } } }
    errors { code field message }
  }
}"""
APPROVE = """
mutation Approve($input: ApprovePaymentRequestInput!) {
  approvePaymentRequest(input: $input) { paymentRequest { status } errors { code field } }
}"""
DECLINE = """
mutation Decline($input: DeclinePaymentRequestInput!) {
  declinePaymentRequest(input: $input) { paymentRequest { status } errors { code field } }
}"""
CANCEL = """
mutation Cancel($input: CancelPaymentRequestInput!) {
  cancelPaymentRequest(input: $input) { paymentRequest { status } errors { code field } }
}"""
NODE = """
query Node($id: ID!) { node(id: $id) { ... on PaymentRequest {
  status memo requester { displayName } shares { amount status payer { displayName } }
} } }"""
MINE = """
query Mine($role: PaymentRequestRole!, $status: PaymentRequestStatus) {
  myPaymentRequests(role: $role, status: $status, first: 10) { edges { node { memo status } } }
}"""
MY_CREDITS = "{ myCredits { balance held available } }"


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def pk(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


def _approving(request_id: str, key: str | None = None) -> dict[str, Any]:
    return {"input": {"requestId": request_id, "idempotencyKey": key or uuid.uuid4().hex}}


def _by_id(request_id: str) -> dict[str, Any]:
    return {"input": {"requestId": request_id}}


async def _ask(
    gql: Any, requester: Person, payers: list[tuple[Any, int]], **extra: Any
) -> dict[str, Any]:
    """requestPayment from `requester`; payers are people (or raw global IDs) with amounts."""
    variables = {
        "input": {
            "payers": [
                {"memberId": p if isinstance(p, str) else p.gid, "amount": a} for p, a in payers
            ],
            "memo": "Garden clearance",
            "category": "Gardening",
            "idempotencyKey": uuid.uuid4().hex,
            **extra,
        }
    }
    return (await gql(REQUEST, variables, as_=requester))["requestPayment"]  # type: ignore[no-any-return]


async def _asked(gql: Any, requester: Person, payers: list[tuple[Person, int]]) -> str:
    asked = await _ask(gql, requester, payers)
    assert asked["errors"] == [], asked
    return asked["paymentRequest"]["id"]  # type: ignore[no-any-return]


async def _account(hub: Any, person: Person) -> Account:
    return await Account.get(hub_id=hub.id, member_id=person.member.id)


async def _moved(hub: Any, person: Person) -> tuple[int, int]:
    """(balance, held) of the person's account; (0, 0) before it exists."""
    account = await Account.get_or_none(hub_id=hub.id, member_id=person.member.id)
    return (account.balance, account.held) if account else (0, 0)


async def _transfers(request_id: str) -> list[Transfer]:
    request = await PaymentRequest.get(id=pk(request_id))
    return await Transfer.filter(hub_id=request.hub_id, group=request.group).order_by("id")


async def _hub_held(hub: Any) -> int:
    return sum(a.held for a in await Account.filter(hub_id=hub.id))


async def test_one_payer_approves_and_credits_move_once(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    await fund(hub.id, bob.member.id, 100)
    asked = await _ask(gql, alice, [(bob, 40)])
    assert asked["errors"] == []
    assert asked["paymentRequest"]["status"] == "PENDING"
    assert asked["paymentRequest"]["category"] == "gardening"
    assert asked["paymentRequest"]["shares"] == [
        {"amount": 40, "status": "PENDING", "payer": {"displayName": "Bob"}}
    ]
    rid, key = asked["paymentRequest"]["id"], uuid.uuid4().hex
    # when
    done = await gql(APPROVE, _approving(rid, key), as_=bob)
    retried = await gql(APPROVE, _approving(rid, key), as_=bob)
    again = await gql(APPROVE, _approving(rid), as_=bob)
    # then
    assert done["approvePaymentRequest"] == {
        "paymentRequest": {"status": "COMPLETED"},
        "errors": [],
    }
    assert retried == done  # same key: the first result, no second payment
    assert again["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    assert await _moved(hub, bob) == (60, 0)
    assert await _moved(hub, alice) == (40, 0)
    transfers = await _transfers(rid)
    assert [(t.amount, t.status, t.category) for t in transfers] == [
        (40, TransferStatus.POSTED, "gardening")
    ]
    assert await Entry.filter(transfer_id=transfers[0].id).count() == 2
    request = await PaymentRequest.get(id=pk(rid))
    assert request.completed_at is not None
    received = await gql(MINE, {"role": "RECEIVED"}, as_=bob)
    sent = await gql(MINE, {"role": "SENT", "status": "COMPLETED"}, as_=alice)
    assert [e["node"] for e in received["myPaymentRequests"]["edges"]] == [
        {"memo": "Garden clearance", "status": "COMPLETED"}
    ]
    assert len(sent["myPaymentRequests"]["edges"]) == 1
    assert (await gql(MINE, {"role": "SENT", "status": "PENDING"}, as_=alice))["myPaymentRequests"][
        "edges"
    ] == []
    assert (await gql(MINE, {"role": "SENT"}, as_=bob))["myPaymentRequests"]["edges"] == []


async def test_three_payers_nothing_moves_until_the_last_approval(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    payers = [await make_person(display_name=f"P{n}") for n in range(3)]
    for p in payers:
        await fund(hub.id, p.member.id, 50)
    rid = await _asked(gql, alice, [(p, 20) for p in payers])
    # when: two of three approve
    for p in payers[:2]:
        approved = await gql(APPROVE, _approving(rid), as_=p)
        assert approved["approvePaymentRequest"] == {
            "paymentRequest": {"status": "PENDING"},
            "errors": [],
        }
    # then: their shares are held (available down, balance not); nothing has moved
    assert (await gql(MY_CREDITS, as_=payers[0]))["myCredits"] == {
        "balance": 50,
        "held": 20,
        "available": 30,
    }
    assert await _moved(hub, alice) == (0, 0)
    assert [t.status for t in await _transfers(rid)] == [TransferStatus.PENDING] * 2
    seen = (await gql(NODE, {"id": rid}, as_=alice))["node"]
    assert [s["status"] for s in seen["shares"]] == ["APPROVED", "APPROVED", "PENDING"]
    # when: the last payer approves
    last = await gql(APPROVE, _approving(rid), as_=payers[2])
    # then: all three shares move at once
    assert last["approvePaymentRequest"]["paymentRequest"]["status"] == "COMPLETED"
    assert await _moved(hub, alice) == (60, 0)
    for p in payers:
        assert await _moved(hub, p) == (30, 0)
    transfers = await _transfers(rid)
    assert [t.status for t in transfers] == [TransferStatus.POSTED] * 3
    assert await Entry.filter(transfer_id__in=[t.id for t in transfers]).count() == 6
    assert await books(hub.id) == 0


async def test_a_decline_by_any_payer_voids_the_others_holds(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: two of three payers have approved (their shares are held)
    bob, carol, dave = [await make_person() for _ in range(3)]
    for p in (bob, carol, dave):
        await fund(hub.id, p.member.id, 50)
    rid = await _asked(gql, alice, [(bob, 20), (carol, 15), (dave, 10)])
    for p in (bob, carol):
        await gql(APPROVE, _approving(rid), as_=p)
    assert await _hub_held(hub) == 35
    # when
    declined = await gql(DECLINE, _by_id(rid), as_=dave)
    # then
    assert declined["declinePaymentRequest"] == {
        "paymentRequest": {"status": "DECLINED"},
        "errors": [],
    }
    for p in (bob, carol, dave):
        assert await _moved(hub, p) == (50, 0)
    assert await _moved(hub, alice) == (0, 0)
    assert [t.status for t in await _transfers(rid)] == [TransferStatus.VOIDED] * 2
    shares = (await gql(NODE, {"id": rid}, as_=dave))["node"]["shares"]
    assert shares[2]["status"] == "DECLINED"
    # and the request is over for everybody
    late = await gql(APPROVE, _approving(rid), as_=dave)
    assert late["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    twice = await gql(DECLINE, _by_id(rid), as_=dave)
    assert twice["declinePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    assert (await gql(CANCEL, _by_id(rid), as_=alice))["cancelPaymentRequest"]["errors"][0][
        "code"
    ] == "NOT_PENDING"
    assert await books(hub.id) == 0


async def test_the_requester_cancels_a_pending_request(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: one of two payers has approved
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, bob.member.id, 50)
    rid = await _asked(gql, alice, [(bob, 10), (carol, 10)])
    await gql(APPROVE, _approving(rid), as_=bob)
    # when: a payer tries to cancel it
    by_payer = await gql(CANCEL, _by_id(rid), as_=bob)
    # then
    assert by_payer["cancelPaymentRequest"]["errors"][0]["code"] == "FORBIDDEN"
    assert await _moved(hub, bob) == (50, 10)
    # when: the requester cancels
    cancelled = await gql(CANCEL, _by_id(rid), as_=alice)
    # then
    assert cancelled["cancelPaymentRequest"] == {
        "paymentRequest": {"status": "CANCELLED"},
        "errors": [],
    }
    assert await _moved(hub, bob) == (50, 0)
    assert [t.status for t in await _transfers(rid)] == [TransferStatus.VOIDED]
    late = await gql(APPROVE, _approving(rid), as_=carol)
    assert late["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    again = await gql(CANCEL, _by_id(rid), as_=alice)
    assert again["cancelPaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"


async def test_expiry_voids_holds_once_and_blocks_late_answers(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: one of two payers has approved
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, bob.member.id, 50)
    rid = await _asked(gql, alice, [(bob, 10), (carol, 10)])
    await gql(APPROVE, _approving(rid), as_=bob)
    assert await _moved(hub, bob) == (50, 10)
    # when: the sweep runs after the deadline, twice
    later = datetime.now(UTC) + timedelta(days=8)
    assert await payment_requests.expire_requests(now=later) >= 1
    while await payment_requests.expire_requests(now=later):
        pass  # requests other tests left pending expire too; the loop ends when none is left
    # then
    assert (await PaymentRequest.get(id=pk(rid))).status == RequestStatus.EXPIRED
    assert await _moved(hub, bob) == (50, 0)
    assert [t.status for t in await _transfers(rid)] == [TransferStatus.VOIDED]
    assert await payment_requests.expire_requests(now=later) == 0
    assert (await gql(NODE, {"id": rid}, as_=carol))["node"]["status"] == "EXPIRED"


async def test_past_the_deadline_nobody_can_approve_and_the_housekeeping_job_tidies_up(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: bob approved; the deadline passes before carol answers or the sweep runs
    bob, carol = await make_person(), await make_person()
    for p in (bob, carol):
        await fund(hub.id, p.member.id, 50)
    rid = await _asked(gql, alice, [(bob, 10), (carol, 10)])
    await gql(APPROVE, _approving(rid), as_=bob)
    past = datetime.now(UTC) - timedelta(seconds=1)
    request = await PaymentRequest.get(id=pk(rid))
    await PaymentRequest.filter(id=request.id).update(expires_at=past)
    await Transfer.filter(group=request.group).update(hold_expires_at=past)
    # when
    late = await gql(APPROVE, _approving(rid), as_=carol)
    # then
    assert late["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    assert await _moved(hub, alice) == (0, 0)
    # when: the worker's housekeeping (hold expiry first, then request expiry) runs
    result = await credits_housekeeping({})
    # then: the hold is voided once and the request ends
    assert result["holds_voided"] >= 1 and result["requests_expired"] >= 1
    assert (await PaymentRequest.get(id=request.id)).status == RequestStatus.EXPIRED
    assert await _moved(hub, bob) == (50, 0)
    assert await books(hub.id) == 0


async def test_only_payers_answer_only_the_requester_cancels_only_they_see_it(
    gql: Any, hub: Any, other_hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    stranger = await make_person()
    outsider = await create_person(hub=other_hub)
    for p in (bob, stranger):
        await fund(hub.id, p.member.id, 50)
    rid = await _asked(gql, alice, [(bob, 10)])
    # when / then: nobody but a payer approves or declines
    for person in (alice, stranger, outsider):
        approve = await gql(APPROVE, _approving(rid), as_=person)
        decline = await gql(DECLINE, _by_id(rid), as_=person)
        assert approve["approvePaymentRequest"]["errors"][0]["code"] == "NOT_FOUND"
        assert decline["declinePaymentRequest"]["errors"][0]["code"] == "NOT_FOUND"
    # and nobody but the requester cancels
    assert (await gql(CANCEL, _by_id(rid), as_=stranger))["cancelPaymentRequest"]["errors"][0][
        "code"
    ] == "FORBIDDEN"
    assert (await gql(CANCEL, _by_id(rid), as_=outsider))["cancelPaymentRequest"]["errors"][0][
        "code"
    ] == "NOT_FOUND"
    # and only the requester and the payers see it
    for party in (alice, bob):
        seen = (await gql(NODE, {"id": rid}, as_=party))["node"]
        assert seen["requester"] == {"displayName": "Alice"}
        assert seen["shares"] == [
            {"amount": 10, "status": "PENDING", "payer": {"displayName": "Bob"}}
        ]
    for person in (stranger, outsider):
        assert (await gql(NODE, {"id": rid}, as_=person))["node"] is None
        for role in ("SENT", "RECEIVED"):
            mine = await gql(MINE, {"role": role}, as_=person)
            assert mine["myPaymentRequests"]["edges"] == []
    anonymous = await gql.raw(NODE, {"id": rid})
    assert anonymous.get("data", {}) in (None, {"node": None})
    # then: none of it wrote anything
    request = await PaymentRequest.get(id=pk(rid))
    assert request.status == RequestStatus.PENDING
    assert await Transfer.filter(group=request.group).count() == 0
    assert (
        await IdempotencyKey.filter(member_id__in=[stranger.member.id, outsider.member.id]).count()
        == 0
    )


async def test_bad_requests_are_typed_and_write_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Person, make_person: Any
) -> None:
    # given
    bob = await make_person()
    outsider = await create_person(hub=other_hub)
    people = [await make_person() for _ in range(11)]
    cases: list[tuple[list[tuple[Any, int]], dict[str, Any], str, str]] = [
        ([(bob, 0)], {}, "INVALID", "payers"),
        ([(bob, -3)], {}, "INVALID", "payers"),
        ([(alice, 5)], {}, "SAME_ACCOUNT", "payers"),
        ([(bob, 5), (alice, 5)], {}, "SAME_ACCOUNT", "payers"),
        ([(outsider, 5)], {}, "NOT_FOUND", "payers"),
        ([(gid("Member", 10**12), 5)], {}, "NOT_FOUND", "payers"),
        ([(gid("Hub", hub.id), 5)], {}, "INVALID", "payers"),
        ([("not-an-id", 5)], {}, "INVALID", "payers"),
        ([(bob, 5), (bob, 6)], {}, "INVALID", "payers"),
        ([(p, 1) for p in people], {}, "INVALID", "payers"),
        ([], {}, "INVALID", "payers"),
        ([(bob, 5)], {"memo": "x" * 281}, "INVALID", "memo"),
        ([(bob, 5)], {"category": "c" * 61}, "INVALID", "category"),
        ([(bob, 5)], {"expiresInDays": 0}, "INVALID", "expiresInDays"),
        ([(bob, 5)], {"expiresInDays": 31}, "INVALID", "expiresInDays"),
        ([(bob, 5)], {"idempotencyKey": "short"}, "INVALID", "idempotencyKey"),
    ]
    for payers, extra, code, field in cases:
        # when
        asked = await _ask(gql, alice, payers, **extra)
        # then
        assert asked["paymentRequest"] is None
        assert (asked["errors"][0]["code"], asked["errors"][0]["field"]) == (code, field), (
            payers,
            extra,
        )
    assert await PaymentRequest.filter(hub_id=hub.id).count() == 0
    assert await PaymentShare.filter(hub_id=hub.id).count() == 0
    assert await IdempotencyKey.filter(member_id=alice.member.id).count() == 0
    assert await AuditEvent.filter(hub_id=hub.id, action__startswith="payment_request").count() == 0


async def test_approving_without_enough_credits_writes_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    bob = await make_person()
    await fund(hub.id, bob.member.id, 5)
    rid, key = await _asked(gql, alice, [(bob, 20)]), uuid.uuid4().hex
    # when
    short = await gql(APPROVE, _approving(rid, key), as_=bob)
    # then
    assert short["approvePaymentRequest"]["errors"] == [
        {"code": "INSUFFICIENT_CREDITS", "field": "amount"}
    ]
    assert await _moved(hub, bob) == (5, 0)
    assert await _transfers(rid) == []
    assert [s.status for s in await PaymentShare.filter(request_id=pk(rid))] == ["pending"]
    assert await IdempotencyKey.filter(member_id=bob.member.id).count() == 0
    assert (
        await AuditEvent.filter(
            actor_id=bob.member.id, action__startswith="payment_request"
        ).count()
        == 0
    )
    # when: funded, the same key goes through (the failed attempt did not use it up)
    await fund(hub.id, bob.member.id, 15)
    paid = await gql(APPROVE, _approving(rid, key), as_=bob)
    # then
    assert paid["approvePaymentRequest"]["paymentRequest"]["status"] == "COMPLETED"
    assert await _moved(hub, bob) == (0, 0)
    assert await _moved(hub, alice) == (20, 0)


async def test_approving_twice_holds_once(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    bob, carol = await make_person(), await make_person()
    await fund(hub.id, bob.member.id, 50)
    rid, key = await _asked(gql, alice, [(bob, 20), (carol, 20)]), uuid.uuid4().hex
    first = await gql(APPROVE, _approving(rid, key), as_=bob)
    # when: a retry with the key, then again with a new key, then the key for another request
    retry = await gql(APPROVE, _approving(rid, key), as_=bob)
    twice = await gql(APPROVE, _approving(rid), as_=bob)
    other = await _asked(gql, alice, [(bob, 5)])
    reused = await gql(APPROVE, _approving(other, key), as_=bob)
    # then
    assert first["approvePaymentRequest"] == retry["approvePaymentRequest"]
    assert twice["approvePaymentRequest"]["errors"][0]["code"] == "NOT_PENDING"
    assert reused["approvePaymentRequest"]["errors"][0]["code"] == "IDEMPOTENCY_MISMATCH"
    assert await _moved(hub, bob) == (50, 20)
    assert len(await _transfers(rid)) == 1
    assert await _transfers(other) == []


async def test_payers_approving_at_once_complete_it_exactly_once(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given
    payers = [await make_person() for _ in range(3)]
    for p in payers:
        await fund(hub.id, p.member.id, 30)
    rounds = 3
    requests = [await _asked(gql, alice, [(p, 10) for p in payers]) for _ in range(rounds)]
    for rid in requests:
        # when: the three payers approve concurrently, one of them retrying at the same time
        key = uuid.uuid4().hex
        results = await asyncio.gather(
            gql(APPROVE, _approving(rid, key), as_=payers[0]),
            gql(APPROVE, _approving(rid, key), as_=payers[0]),
            *(gql(APPROVE, _approving(rid), as_=p) for p in payers[1:]),
        )
        # then
        assert all(r["approvePaymentRequest"]["errors"] == [] for r in results), results
        request = await PaymentRequest.get(id=pk(rid))
        assert request.status == RequestStatus.COMPLETED and request.completed_at is not None
        transfers = await _transfers(rid)
        assert [(t.amount, t.status) for t in transfers] == [(10, TransferStatus.POSTED)] * 3
        assert await Entry.filter(transfer_id__in=[t.id for t in transfers]).count() == 6
        approvals = AuditEvent.filter(action="payment_request.approve", object_id=request.id)
        assert await approvals.count() == 3
    assert await _moved(hub, alice) == (30 * rounds, 0)
    for p in payers:
        assert await _moved(hub, p) == (0, 0)
    assert await books(hub.id) == 0
    assert await _hub_held(hub) == 0


async def test_the_last_approval_racing_a_cancel_is_all_or_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, fund: Any
) -> None:
    # given: one of two payers has approved
    bob, carol = await make_person(), await make_person()
    for p in (bob, carol):
        await fund(hub.id, p.member.id, 30)
    rid = await _asked(gql, alice, [(bob, 10), (carol, 10)])
    await gql(APPROVE, _approving(rid), as_=bob)
    # when: carol approves while alice cancels
    approved, cancelled = await asyncio.gather(
        gql(APPROVE, _approving(rid), as_=carol), gql(CANCEL, _by_id(rid), as_=alice)
    )
    # then: exactly one of them won, and the money followed the winner whole
    request = await PaymentRequest.get(id=pk(rid))
    errors = (
        approved["approvePaymentRequest"]["errors"],
        cancelled["cancelPaymentRequest"]["errors"],
    )
    if request.status == RequestStatus.COMPLETED:
        assert errors[0] == [] and errors[1][0]["code"] == "NOT_PENDING"
        assert await _moved(hub, alice) == (20, 0)
    else:
        assert request.status == RequestStatus.CANCELLED
        assert errors[1] == [] and errors[0][0]["code"] == "NOT_PENDING"
        assert await _moved(hub, alice) == (0, 0)
    assert await _hub_held(hub) == 0
    assert await books(hub.id) == 0


async def test_requests_sharing_payers_complete_at_once_without_deadlock(
    gql: Any, hub: Any, make_person: Any, fund: Any
) -> None:
    for _ in range(2):
        # given: p1 and p2 owe both r1 and r2; p1 approved r1's request, p2 approved r2's
        p1, p2, r1, r2 = [await make_person() for _ in range(4)]
        for p in (p1, p2):
            await fund(hub.id, p.member.id, 20)
        first = await _asked(gql, r1, [(p1, 5), (p2, 5)])
        second = await _asked(gql, r2, [(p1, 5), (p2, 5)])
        await gql(APPROVE, _approving(first), as_=p1)
        await gql(APPROVE, _approving(second), as_=p2)
        # when: each completes the other request at the same moment
        results = await asyncio.gather(
            gql.raw(APPROVE, _approving(first), as_=p2),
            gql.raw(APPROVE, _approving(second), as_=p1),
        )
        # then
        assert [r.get("errors") for r in results] == [None, None]
        assert await _moved(hub, r1) == await _moved(hub, r2) == (10, 0)
        assert await books(hub.id) == 0
