"""Loans through the API: ask for dates, the owner side approves, both sides confirm the
handover (the deposit and price held on the borrower) and the return (the condition noted;
the deposit released, the price paid), or a moderator settles a dispute; who may do what;
typed errors that write nothing; the statements of the loan lists for 5 and 100 rows."""

from datetime import timedelta
from typing import Any

import pytest

from app.assets.impact_models import ImpactRecord
from app.assets.models import Asset
from app.assets.sharing_models import Loan
from app.audit.models import AuditEvent
from app.credits.models import Transfer, TransferKind
from app.people.models import Role
from tests.assets.conftest import gid
from tests.assets.lending import books, fund, iso, soon, transfers
from tests.helpers import Person, count_sql, create_person

LOAN = """loan { id status startsAt dueAt priceCredits depositCredits decidedAt
  handoverOwnerConfirmedAt handoverBorrowerConfirmedAt handedOverAt returnOwnerConfirmedAt
  returnBorrowerConfirmedAt returnedAt returnCondition returnNote disputeReason resolution
  resolutionNote asset { title } borrower { displayName } }"""
REQUEST = f"""
mutation Ask($input: RequestLoanInput!) {{
  requestLoan(input: $input) {{ {LOAN} errors {{ code field message }} }}
}}"""
APPROVE = """
mutation Approve($input: ApproveLoanInput!) {
  approveLoan(input: $input) { loan { status decidedAt } errors { code message } }
}"""
DECLINE = """
mutation Decline($input: DeclineLoanInput!) {
  declineLoan(input: $input) { loan { status } errors { code message } }
}"""
CANCEL = """
mutation Cancel($input: CancelLoanInput!) {
  cancelLoan(input: $input) { loan { status } errors { code message } }
}"""
HANDOVER = f"""
mutation Handover($input: ConfirmLoanHandoverInput!) {{
  confirmLoanHandover(input: $input) {{ {LOAN} errors {{ code field message }} }}
}}"""
RETURN = f"""
mutation Return($input: ConfirmLoanReturnInput!) {{
  confirmLoanReturn(input: $input) {{ {LOAN} errors {{ code field message }} }}
}}"""
DISPUTE = """
mutation Dispute($input: DisputeLoanInput!) {
  disputeLoan(input: $input) { loan { status disputeReason } errors { code field message } }
}"""
RESOLVE = f"""
mutation Resolve($input: ResolveLoanDisputeInput!) {{
  resolveLoanDispute(input: $input) {{ {LOAN} errors {{ code field message }} }}
}}"""
MINE = """
query Mine($first: Int) { myLoans(first: $first) {
  edges { node { id status dueAt asset { title ownerMember { displayName } }
                 borrower { displayName } } } } }"""
CALENDAR = """
query Calendar($assetId: ID!, $first: Int) { assetLoans(assetId: $assetId, first: $first) {
  edges { node { id status message borrower { displayName } borrowerOrganisation { name }
                 asset { title } } } } }"""
DISPUTED = """query { disputedLoans(first: 10) { edges { node { id disputeReason } } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Loan { id status } } }"""


async def ask(gql: Any, person: Person, asset: Asset, days: int = 3, **extra: Any) -> Any:
    starts = soon(60 * 24)
    variables = {
        "assetId": gid("Asset", asset.id),
        "startsAt": iso(starts),
        "dueAt": iso(starts + timedelta(days=days)),
    }
    data = await gql(REQUEST, {"input": variables | extra}, as_=person)
    return data["requestLoan"]


async def act(gql: Any, document: str, person: Person, loan_id: str, **extra: Any) -> Any:
    data = await gql(document, {"input": {"loanId": loan_id, **extra}}, as_=person)
    return next(iter(data.values()))


def errors(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]


async def lent(gql: Any, owner: Person, borrower: Person, asset: Asset) -> str:
    """A loan of `asset` approved and handed over (both sides confirmed): its id."""
    loan_id: str = (await ask(gql, borrower, asset))["loan"]["id"]
    if (await Loan.get(asset_id=asset.id)).status == "requested":
        await act(gql, APPROVE, owner, loan_id)
    for person in (borrower, owner):
        assert (await act(gql, HANDOVER, person, loan_id))["errors"] == []
    return loan_id


async def test_a_drill_is_asked_for_approved_handed_over_and_returned(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: Alice lends a drill for 30 credits with a 200-credit deposit; Bob has 300
    drill = await list_asset(
        alice, kind="loan", title="Drill", price_credits=30, deposit_credits=200, weight_kg=2.0
    )
    bob = await make_person(display_name="Bob")
    await fund(bob, 300)
    # when: Bob asks for three days and Alice approves
    asked = await ask(gql, bob, drill, message="For the shelves")
    assert asked["errors"] == []
    loan = asked["loan"]
    assert (loan["status"], loan["priceCredits"], loan["depositCredits"]) == ("REQUESTED", 30, 200)
    assert await books(bob) == (300, 0)  # nothing held until he takes it
    approved = await act(gql, APPROVE, alice, loan["id"])
    assert approved["loan"]["status"] == "APPROVED" and approved["loan"]["decidedAt"]
    # when: Bob confirms the handover (twice), then Alice
    taken = await act(gql, HANDOVER, bob, loan["id"])
    assert taken["errors"] == [] and taken["loan"]["status"] == "APPROVED"
    assert taken["loan"]["handoverBorrowerConfirmedAt"] and not taken["loan"]["handedOverAt"]
    assert await books(bob) == (300, 230)
    twice = await act(gql, HANDOVER, bob, loan["id"])
    assert [(e["code"], e["message"]) for e in twice["errors"]] == [
        ("ALREADY_CONFIRMED", "Your side confirmed this handover already.")
    ]
    given = await act(gql, HANDOVER, alice, loan["id"])
    # then: on loan; deposit and price held once
    assert given["loan"]["status"] == "ON_LOAN" and given["loan"]["handedOverAt"]
    assert await transfers(hub, TransferKind.DEPOSIT) == [(200, "pending")]
    assert await transfers(hub, TransferKind.RENTAL) == [(30, "pending")]
    # when: the return: the owner side must note the condition, the borrower may not
    no_condition = await act(gql, RETURN, alice, loan["id"])
    assert [(e["code"], e["field"]) for e in no_condition["errors"]] == [("INVALID", "condition")]
    not_his = await act(gql, RETURN, bob, loan["id"], condition="GOOD")
    assert [(e["code"], e["field"]) for e in not_his["errors"]] == [("INVALID", "condition")]
    back = await act(gql, RETURN, bob, loan["id"])
    assert back["errors"] == [] and back["loan"]["status"] == "ON_LOAN"
    done = await act(gql, RETURN, alice, loan["id"], condition="GOOD", note="Bit dusty")
    # then: returned, the deposit released, the price paid, the impact recorded once
    returned = done["loan"]
    assert (returned["status"], returned["returnCondition"], returned["returnNote"]) == (
        "RETURNED",
        "GOOD",
        "Bit dusty",
    )
    assert returned["returnedAt"]
    assert await transfers(hub, TransferKind.DEPOSIT) == [(200, "voided")]
    assert await transfers(hub, TransferKind.RENTAL) == [(30, "posted")]
    assert await books(bob) == (270, 0) and await books(alice) == (30, 0)
    row = await Loan.get(hub_id=hub.id)
    record = await ImpactRecord.get(hub_id=hub.id, loan_id=row.id)
    assert (record.receiver_member_id, record.owner_member_id) == (bob.member.id, alice.member.id)
    assert (await act(gql, RETURN, alice, loan["id"], condition="GOOD"))["errors"][0]["code"] == (
        "ALREADY_CONFIRMED"
    )
    # both sides see it in their lists
    mine = (await gql(MINE, {"first": 10}, as_=bob))["myLoans"]["edges"]
    assert [e["node"]["status"] for e in mine] == ["RETURNED"]
    calendar = await gql(CALENDAR, {"assetId": gid("Asset", drill.id)}, as_=alice)
    assert [e["node"]["message"] for e in calendar["assetLoans"]["edges"]] == ["For the shelves"]
    actions = await AuditEvent.filter(hub_id=hub.id, object_type="Loan").values_list(
        "action", flat=True
    )
    assert sorted(actions) == [
        "loan.approve",
        "loan.handover",
        "loan.handover",
        "loan.request",
        "loan.return",
        "loan.return",
    ]


@pytest.mark.parametrize(
    ("resolution", "deposit", "alice_gets"),
    [("DEPOSIT_TO_OWNER", "posted", 100), ("DEPOSIT_RETURNED", "voided", 0)],
)
async def test_a_moderator_settles_a_disputed_loan_and_only_a_moderator(
    gql: Any,
    hub: Any,
    alice: Person,
    make_person: Any,
    list_asset: Any,
    resolution: str,
    deposit: str,
    alice_gets: int,
) -> None:
    # given: a ladder lent at once with a 100-credit deposit, on loan to Bob
    ladder = await list_asset(
        alice, kind="loan", title="Ladder", deposit_credits=100, requires_approval=False
    )
    bob, moderator = (
        await make_person(display_name="Bob"),
        await make_person(roles=[Role.MODERATOR]),
    )
    await fund(bob, 100)
    loan_id = await lent(gql, alice, bob, ladder)
    # when: Alice says it came back with a broken rung
    disputed = await act(gql, DISPUTE, alice, loan_id, reason="A rung is broken")
    assert disputed["loan"] == {"status": "DISPUTED", "disputeReason": "A rung is broken"}
    # then: neither side may settle it; the return cannot be confirmed meanwhile
    for person in (alice, bob):
        refused = await act(gql, RESOLVE, person, loan_id, resolution=resolution, note="mine")
        assert errors(refused) == ["FORBIDDEN"]
    assert errors(await act(gql, RETURN, bob, loan_id)) == ["INVALID_TRANSITION"]
    waiting = (await gql(DISPUTED, as_=moderator))["disputedLoans"]["edges"]
    assert [e["node"]["id"] for e in waiting] == [loan_id]
    assert (await gql.raw(DISPUTED, as_=alice))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # when: a moderator resolves it
    resolved = await act(gql, RESOLVE, moderator, loan_id, resolution=resolution, note="Photos")
    # then: closed, the deposit posted to Alice or released to Bob, the impact recorded
    loan = resolved["loan"]
    assert (loan["status"], loan["resolution"], loan["resolutionNote"]) == (
        "RETURNED",
        resolution,
        "Photos",
    )
    assert await transfers(hub, TransferKind.DEPOSIT) == [(100, deposit)]
    assert await books(alice) == (alice_gets, 0) and await books(bob) == (100 - alice_gets, 0)
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 1
    again = await act(gql, RESOLVE, moderator, loan_id, resolution=resolution, note="again")
    assert errors(again) == ["INVALID_TRANSITION"]
    assert (await gql(DISPUTED, as_=moderator))["disputedLoans"]["edges"] == []


async def test_declining_and_cancelling_release_whatever_was_held(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: a tent with a deposit; Bob and Carol ask for it
    tent = await list_asset(alice, kind="loan", title="Tent", deposit_credits=50)
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    await fund(bob, 50)
    bobs = (await ask(gql, bob, tent))["loan"]["id"]
    carols = (await ask(gql, carol, tent, days=5))["loan"]["id"]
    # when: Alice declines Carol's, approves Bob's; Bob confirms the handover, then cancels
    assert (await act(gql, DECLINE, alice, carols))["loan"]["status"] == "DECLINED"
    await act(gql, APPROVE, alice, bobs)
    await act(gql, HANDOVER, bob, bobs)
    assert await books(bob) == (50, 50)
    cancelled = await act(gql, CANCEL, bob, bobs)
    # then: cancelled, the deposit released; nothing more can happen to it
    assert cancelled["loan"]["status"] == "CANCELLED"
    assert await transfers(hub, TransferKind.DEPOSIT) == [(50, "voided")]
    assert await books(bob) == (50, 0)
    assert errors(await act(gql, HANDOVER, alice, bobs)) == ["INVALID_TRANSITION"]
    # a loan handed over cannot be cancelled
    again = (await ask(gql, bob, tent))["loan"]["id"]
    await act(gql, APPROVE, alice, again)
    for person in (bob, alice):
        await act(gql, HANDOVER, person, again)
    assert errors(await act(gql, CANCEL, alice, again)) == ["INVALID_TRANSITION"]


async def test_only_the_owner_side_decides_and_only_the_two_sides_confirm(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, other_hub: Any
) -> None:
    # given: Bob asks for Alice's saw; a stranger, a moderator and someone from another hub
    saw = await list_asset(alice, kind="loan", title="Saw")
    for_orgs = await list_asset(alice, kind="loan", title="Gazebo", audience="organisations")
    bob, stranger = await make_person(display_name="Bob"), await make_person()
    moderator = await make_person(roles=[Role.MODERATOR])
    outsider = await create_person(hub=other_hub)
    loan_id = (await ask(gql, bob, saw))["loan"]["id"]
    # when / then: only the owner side approves or declines
    for document, person in (
        (APPROVE, bob),
        (DECLINE, bob),
        (APPROVE, stranger),
        (APPROVE, moderator),
        (CANCEL, stranger),
    ):
        assert errors(await act(gql, document, person, loan_id)) == ["FORBIDDEN"], document
    assert errors(await act(gql, APPROVE, outsider, loan_id)) == ["NOT_FOUND"]
    await act(gql, APPROVE, alice, loan_id)
    # only the two sides confirm the handover and the return, or dispute
    for document, extra in ((HANDOVER, {}), (RETURN, {}), (DISPUTE, {"reason": "no"})):
        for person in (stranger, moderator):
            refused = await act(gql, document, person, loan_id, **extra)
            assert errors(refused) == ["FORBIDDEN"], (document, person)
        assert errors(await act(gql, document, outsider, loan_id, **extra)) == ["NOT_FOUND"]
    assert (await Loan.get(hub_id=hub.id)).handover_owner_confirmed_at is None
    # the loan is hidden from the stranger and the other hub
    for person in (stranger, outsider):
        assert (await gql(NODE, {"id": loan_id}, as_=person))["node"] is None
    body = await gql.raw(CALENDAR, {"assetId": gid("Asset", saw.id)}, as_=stranger)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(MINE, as_=outsider))["myLoans"]["edges"] == []
    # a member on their own cannot borrow what is for organisations only
    refused = await ask(gql, bob, for_orgs)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("NOT_ELIGIBLE", "organisationId")
    ]


async def test_bad_input_gets_typed_errors_and_writes_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: a mower lent for a week at most, asked for a day ahead, with a 200 deposit
    mower = await list_asset(
        alice,
        kind="loan",
        title="Mower",
        deposit_credits=200,
        max_minutes=7 * 24 * 60,
        notice_minutes=24 * 60,
    )
    bob = await make_person(display_name="Bob")
    await fund(bob, 50)
    day = soon(60 * 48)
    cases: list[tuple[Person, Any, Any, list[tuple[str, str | None]]]] = [
        (bob, day, day - timedelta(days=1), [("INVALID", "dueAt")]),
        (bob, soon(-60 * 24), soon(60), [("IN_PAST", "startsAt")]),
        (bob, soon(60), soon(60 * 24 * 2), [("TOO_SOON", "startsAt")]),
        (bob, day, day + timedelta(days=8), [("TOO_LONG", "dueAt")]),
        (bob, day, day + timedelta(days=400), [("TOO_LONG", "dueAt")]),
        (alice, day, day + timedelta(days=2), [("OWN_ASSET", "assetId")]),
    ]
    for person, starts, due, expected in cases:
        variables = {"assetId": gid("Asset", mower.id), "startsAt": iso(starts), "dueAt": iso(due)}
        refused = (await gql(REQUEST, {"input": variables}, as_=person))["requestLoan"]
        assert [(e["code"], e["field"]) for e in refused["errors"]] == expected, (starts, due)
    assert await Loan.filter(hub_id=hub.id).count() == 0
    # returning a loan never handed over; handing over one not approved
    loan_id = (await ask(gql, bob, mower, days=2))["loan"]["id"]
    assert errors(await act(gql, HANDOVER, bob, loan_id)) == ["INVALID_TRANSITION"]
    await act(gql, APPROVE, alice, loan_id)
    assert errors(await act(gql, RETURN, bob, loan_id)) == ["INVALID_TRANSITION"]
    assert errors(await act(gql, RETURN, alice, loan_id, condition="GOOD")) == [
        "INVALID_TRANSITION"
    ]
    # Bob cannot cover the deposit: his confirmation is refused and nothing is held
    short = await act(gql, HANDOVER, bob, loan_id)
    assert [(e["code"], e["field"]) for e in short["errors"]] == [("INSUFFICIENT_CREDITS", None)]
    row = await Loan.get(hub_id=hub.id)
    assert row.handover_borrower_confirmed_at is None and row.deposit_hold_id is None
    assert await Transfer.filter(hub_id=hub.id, kind=TransferKind.DEPOSIT).count() == 0
    # Alice's confirmation twice: a typed error, and nothing changes
    await act(gql, HANDOVER, alice, loan_id)
    confirmed = await Loan.get(hub_id=hub.id)
    assert errors(await act(gql, HANDOVER, alice, loan_id)) == ["ALREADY_CONFIRMED"]
    again = await Loan.get(hub_id=hub.id)
    assert (again.handover_owner_confirmed_at, again.updated_at, again.status) == (
        confirmed.handover_owner_confirmed_at,
        confirmed.updated_at,
        confirmed.status,
    )
    # with the credits, Bob's confirmation completes the handover
    await fund(bob, 150)
    assert (await act(gql, HANDOVER, bob, loan_id))["loan"]["status"] == "ON_LOAN"


@pytest.fixture
async def many_loans(alice: Person, make_person: Any, list_asset: Any) -> Any:
    """A drill with 105 loans by different people, and Bob's 105 loans of 105 things."""
    drill = await list_asset(alice, kind="loan", title="Popular drill")
    bob = await make_person(display_name="Bob")
    starts = soon(60 * 24)
    for n in range(105):
        borrower = await make_person(display_name=f"Borrower {n}")
        slot = starts + timedelta(days=n)
        await Loan.create(
            hub_id=drill.hub_id,
            asset_id=drill.id,
            borrower_id=borrower.member.id,
            starts_at=slot,
            due_at=slot + timedelta(hours=20),
            status="approved",
        )
        other = await list_asset(alice, kind="loan", title=f"Thing {n}")
        await Loan.create(
            hub_id=drill.hub_id,
            asset_id=other.id,
            borrower_id=bob.member.id,
            starts_at=slot,
            due_at=slot + timedelta(days=2),
            status="requested",
        )
    return drill, bob


async def test_the_loan_lists_run_the_same_statements_for_5_and_100_rows(
    gql: Any, alice: Person, many_loans: Any
) -> None:
    drill, bob = many_loans
    cases: list[tuple[str, Person, dict[str, Any], str]] = [
        (CALENDAR, alice, {"assetId": gid("Asset", drill.id)}, "assetLoans"),
        (MINE, bob, {}, "myLoans"),
    ]
    for document, person, variables, key in cases:
        counts = []
        for first in (5, 100):
            with count_sql() as counter:
                data = await gql(document, {**variables, "first": first}, as_=person)
            assert len(data[key]["edges"]) == first
            counts.append(len(counter.statements))
        assert counts[0] == counts[1] <= 9, (key, counts)
