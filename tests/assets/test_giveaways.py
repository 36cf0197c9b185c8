"""Giveaways through the API: ask, the owner side chooses, both sides confirm, the item is
rehomed (or its quantity drops); who may do what; typed errors that write nothing; the
statements of the request lists for 5 and 100 rows."""

from typing import Any

import pytest

from app import events
from app.assets.impact_models import ImpactRecord
from app.assets.models import Asset
from app.assets.sharing_models import GiveawayRequest
from app.audit.models import AuditEvent
from app.auth import service as auth
from app.jobs.models import OutboxJob
from app.organisations import service as organisations
from app.people.models import CheckKind, CheckStatus, TrustCheck
from tests.assets.conftest import actor_of, gid
from tests.helpers import Person, count_sql, create_person

REQUEST = """
mutation Ask($input: RequestGiveawayInput!) {
  requestGiveaway(input: $input) {
    giveawayRequest { id status quantity message requester { displayName }
                      requesterOrganisation { name } asset { title } }
    errors { code field message }
  }
}"""
CHOOSE = """
mutation Choose($input: ChooseGiveawayRequestInput!) {
  chooseGiveawayRequest(input: $input) {
    giveawayRequest { id status quantity decidedAt } errors { code field message }
  }
}"""
DECLINE = """
mutation Decline($input: DeclineGiveawayRequestInput!) {
  declineGiveawayRequest(input: $input) { giveawayRequest { status } errors { code message } }
}"""
WITHDRAW = """
mutation Withdraw($input: WithdrawGiveawayRequestInput!) {
  withdrawGiveawayRequest(input: $input) { giveawayRequest { status } errors { code message } }
}"""
CONFIRM = """
mutation Confirm($input: ConfirmGiveawayHandoverInput!) {
  confirmGiveawayHandover(input: $input) {
    giveawayRequest { status ownerConfirmedAt receiverConfirmedAt handedOverAt
                      asset { status quantity rehomedAt } }
    errors { code field message }
  }
}"""
REQUESTS = """
query Requests($assetId: ID!, $first: Int) {
  giveawayRequests(assetId: $assetId, first: $first) {
    edges { node { id status message requester { displayName } asset { title } } }
  }
}"""
MINE = """
query Mine { myGiveawayRequests(first: 20) { edges { node { status asset { title } } } } }"""
PLACE = """
query Place($id: ID!) { node(id: $id) { ... on Asset { location { lat } address } } }"""
NOTIFICATIONS = """
query Told { notifications(first: 20) {
  edges { node { kind title reason asset { title } } } } }"""


@pytest.fixture
def rehomed_events() -> Any:
    """Payloads queued for a test subscriber of giveaway.rehomed (only while the test runs)."""

    async def note_rehomed(**payload: Any) -> None:
        return None

    events.subscribe("giveaway.rehomed")(note_rehomed)
    name = f"event:giveaway.rehomed:{note_rehomed.__module__}.{note_rehomed.__qualname__}"

    async def payloads() -> list[dict[str, Any]]:
        return [j.payload for j in await OutboxJob.filter(name=name).order_by("id")]

    yield payloads
    events.unsubscribe("giveaway.rehomed", note_rehomed)


async def ask(gql: Any, person: Person, asset: Asset, **extra: Any) -> dict[str, Any]:
    data = await gql(REQUEST, {"input": {"assetId": gid("Asset", asset.id), **extra}}, as_=person)
    return data["requestGiveaway"]  # type: ignore[no-any-return]


async def act(gql: Any, document: str, person: Person, request_id: str, **extra: Any) -> Any:
    data = await gql(document, {"input": {"giveawayRequestId": request_id, **extra}}, as_=person)
    return next(iter(data.values()))


async def test_a_desk_is_asked_for_chosen_handed_over_and_rehomed(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, rehomed_events: Any
) -> None:
    # given: Alice gives away a 30 kg desk; Bob and Carol ask for it
    desk = await list_asset(alice, title="Oak desk", weight_kg=30.0)
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    asked = await ask(gql, bob, desk, message="For my daughter's room")
    await ask(gql, carol, desk)
    assert asked["errors"] == []
    request = asked["giveawayRequest"]
    assert (request["status"], request["quantity"], request["message"]) == (
        "PENDING",
        1,
        "For my daughter's room",
    )
    listed = await gql(REQUESTS, {"assetId": gid("Asset", desk.id)}, as_=alice)
    names = [e["node"]["requester"]["displayName"] for e in listed["giveawayRequests"]["edges"]]
    assert names == ["Bob", "Carol"]  # oldest first
    hidden = await gql(PLACE, {"id": gid("Asset", desk.id)}, as_=bob)
    assert hidden["node"] == {"location": None, "address": None}
    # when: Alice chooses Bob
    chosen = await act(gql, CHOOSE, alice, request["id"])
    # then: Bob now sees the place; Carol does not
    assert chosen["errors"] == [] and chosen["giveawayRequest"]["status"] == "CHOSEN"
    shown = await gql(PLACE, {"id": gid("Asset", desk.id)}, as_=bob)
    assert shown["node"]["address"] == "1 Market Street"
    assert (await gql(PLACE, {"id": gid("Asset", desk.id)}, as_=carol))["node"]["address"] is None
    # when: both sides confirm the handover, Bob first
    first = await act(gql, CONFIRM, bob, request["id"])
    assert first["errors"] == []
    assert first["giveawayRequest"]["status"] == "CHOSEN"
    assert first["giveawayRequest"]["receiverConfirmedAt"] is not None
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 0
    done = await act(gql, CONFIRM, alice, request["id"])
    # then: handed over, the desk rehomed, its impact recorded once, the event emitted
    handed = done["giveawayRequest"]
    assert done["errors"] == [] and handed["status"] == "HANDED_OVER" and handed["handedOverAt"]
    assert handed["asset"]["status"] == "REHOMED" and handed["asset"]["rehomedAt"]
    assert handed["asset"]["quantity"] == 0
    record = await ImpactRecord.get(hub_id=hub.id)
    # WRAP's sofa factor for furniture: 1,450 g CO2e per kg, £320 a piece
    assert (record.diverted_g, record.co2e_g, record.value_minor) == (30_000, 43_500, 32_000)
    assert (record.owner_member_id, record.receiver_member_id) == (alice.member.id, bob.member.id)
    request_row = await GiveawayRequest.get(hub_id=hub.id, requester_id=bob.member.id)
    assert await rehomed_events() == [{"giveaway_request_id": request_row.id}]
    # Carol's request was declined, and she was told why; Bob was told he was chosen
    assert (await GiveawayRequest.get(requester_id=carol.member.id)).status == "declined"
    told = (await gql(NOTIFICATIONS, as_=carol))["notifications"]["edges"]
    assert [e["node"] for e in told] == [
        {
            "kind": "GIVEAWAY_DECLINED",
            "title": "About “Oak desk”",
            "reason": "it has found a new home with someone else",
            "asset": {"title": "Oak desk"},
        }
    ]
    told = (await gql(NOTIFICATIONS, as_=bob))["notifications"]["edges"]
    assert [e["node"]["kind"] for e in told] == ["GIVEAWAY_CHOSEN"]
    told = (await gql(NOTIFICATIONS, as_=alice))["notifications"]["edges"]
    assert [e["node"]["title"] for e in told] == [
        "Carol asked for “Oak desk”",
        "Bob asked for “Oak desk”",
    ]
    actions = await AuditEvent.filter(hub_id=hub.id, object_type="GiveawayRequest").values_list(
        "action", flat=True
    )
    assert sorted(actions) == [
        "giveaway.choose",
        "giveaway.confirm",
        "giveaway.confirm",
        "giveaway.request",
        "giveaway.request",
    ]


async def test_units_are_reserved_when_chosen_and_the_item_stays_listed_while_some_remain(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: five chairs; Bob asks for 2, Carol for 2
    chairs = await list_asset(alice, title="Stacking chairs", quantity=5, weight_kg=4.0)
    bob, carol, dave = [await make_person(display_name=n) for n in ("Bob", "Carol", "Dave")]
    bobs = (await ask(gql, bob, chairs, quantity=2))["giveawayRequest"]["id"]
    carols = (await ask(gql, carol, chairs, quantity=2))["giveawayRequest"]["id"]
    # when: Alice gives Bob his 2 and Carol 1 of hers
    await act(gql, CHOOSE, alice, bobs)
    partly = await act(gql, CHOOSE, alice, carols, quantity=1)
    # then
    assert partly["giveawayRequest"]["quantity"] == 1
    assert (await Asset.get(id=chairs.id)).quantity == 2
    # asking for more than is left is refused; as much as is left is fine
    too_many = await ask(gql, dave, chairs, quantity=3)
    assert [(e["code"], e["field"], e["message"]) for e in too_many["errors"]] == [
        ("NOTHING_LEFT", "quantity", "Only 2 left.")
    ]
    assert (await ask(gql, dave, chairs, quantity=2))["errors"] == []
    # when: Bob's handover completes
    await act(gql, CONFIRM, bob, bobs)
    done = await act(gql, CONFIRM, alice, bobs)
    # then: still listed with 2 free, Carol's chair still reserved for her
    asset = done["giveawayRequest"]["asset"]
    assert (asset["status"], asset["quantity"]) == ("LISTED", 2)
    record = await ImpactRecord.get(hub_id=hub.id)
    assert (record.quantity, record.diverted_g) == (2, 8_000)
    # when: Carol's chair is handed over and Dave's 2 are chosen and handed over
    daves = (await gql(REQUESTS, {"assetId": gid("Asset", chairs.id)}, as_=alice))[
        "giveawayRequests"
    ]["edges"][-1]["node"]["id"]
    await act(gql, CHOOSE, alice, daves)
    for request_id, person in ((carols, carol), (daves, dave)):
        await act(gql, CONFIRM, person, request_id)
        last = await act(gql, CONFIRM, alice, request_id)
    # then: nothing left, nobody waiting: rehomed
    assert last["giveawayRequest"]["asset"] == {
        "status": "REHOMED",
        "quantity": 0,
        "rehomedAt": last["giveawayRequest"]["asset"]["rehomedAt"],
    }
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 3


async def test_withdrawing_or_declining_a_chosen_request_gives_its_units_back(
    gql: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given
    lamps = await list_asset(alice, title="Desk lamps", quantity=3)
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    bobs = (await ask(gql, bob, lamps, quantity=2))["giveawayRequest"]["id"]
    carols = (await ask(gql, carol, lamps, quantity=1))["giveawayRequest"]["id"]
    await act(gql, CHOOSE, alice, bobs)
    await act(gql, CHOOSE, alice, carols)
    assert (await Asset.get(id=lamps.id)).quantity == 0
    # when
    withdrawn = await act(gql, WITHDRAW, bob, bobs)
    declined = await act(gql, DECLINE, alice, carols)
    # then
    assert withdrawn["giveawayRequest"]["status"] == "WITHDRAWN"
    assert declined["giveawayRequest"]["status"] == "DECLINED"
    assert (await Asset.get(id=lamps.id)).quantity == 3
    told = (await gql(NOTIFICATIONS, as_=carol))["notifications"]["edges"]
    assert [(e["node"]["kind"], e["node"]["reason"]) for e in told] == [
        ("GIVEAWAY_DECLINED", "its owner chose other requests this time"),
        ("GIVEAWAY_CHOSEN", "its owner chose your request: the place and contact are shown to you"),
    ]
    mine = (await gql(MINE, as_=bob))["myGiveawayRequests"]["edges"]
    assert [e["node"] for e in mine] == [{"status": "WITHDRAWN", "asset": {"title": "Desk lamps"}}]


async def test_typed_errors_write_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given
    desk = await list_asset(alice)
    drill = await list_asset(alice, kind="loan", title="Drill")
    draft = await list_asset(alice, title="Spare desk", publish=False)
    bob = await make_person(display_name="Bob")
    request_id = (await ask(gql, bob, desk))["giveawayRequest"]["id"]
    before = await GiveawayRequest.filter(hub_id=hub.id).count()
    # when / then: asking for your own, twice, for what is not a listed giveaway, too many
    cases: list[tuple[Person, Asset, dict[str, Any], tuple[str, str]]] = [
        (alice, desk, {}, ("OWN_ASSET", "assetId")),
        (bob, desk, {}, ("ALREADY_REQUESTED", "assetId")),
        (bob, drill, {}, ("NOT_AVAILABLE", "assetId")),
        (bob, draft, {}, ("NOT_AVAILABLE", "assetId")),
        (bob, desk, {"quantity": 0}, ("INVALID", "quantity")),
        (bob, desk, {"message": "x" * 2001}, ("INVALID", "message")),
    ]
    for person, asset, extra, expected in cases:
        errors = (await ask(gql, person, asset, **extra))["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [expected], (asset.title, extra)
    assert await GiveawayRequest.filter(hub_id=hub.id).count() == before
    # confirming before it is chosen, choosing more than asked, choosing twice
    assert (await act(gql, CONFIRM, bob, request_id))["errors"][0]["code"] == "INVALID_TRANSITION"
    over = await act(gql, CHOOSE, alice, request_id, quantity=2)
    assert [(e["code"], e["field"]) for e in over["errors"]] == [("INVALID", "quantity")]
    await act(gql, CHOOSE, alice, request_id)
    assert (await act(gql, CHOOSE, alice, request_id))["errors"][0]["code"] == "INVALID_TRANSITION"
    # confirming twice: a typed error, and nothing changes
    await act(gql, CONFIRM, bob, request_id)
    confirmed = await GiveawayRequest.get(requester_id=bob.member.id)
    twice = await act(gql, CONFIRM, bob, request_id)
    assert [(e["code"], e["message"]) for e in twice["errors"]] == [
        ("ALREADY_CONFIRMED", "Your side confirmed this handover already.")
    ]
    again = await GiveawayRequest.get(requester_id=bob.member.id)
    assert (again.receiver_confirmed_at, again.updated_at, again.status) == (
        confirmed.receiver_confirmed_at,
        confirmed.updated_at,
        confirmed.status,
    )
    # a handover being confirmed cannot be withdrawn or declined
    assert (await act(gql, WITHDRAW, bob, request_id))["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (await act(gql, DECLINE, alice, request_id))["errors"][0]["code"] == "INVALID_TRANSITION"
    await act(gql, CONFIRM, alice, request_id)
    assert (await act(gql, CONFIRM, alice, request_id))["errors"][0]["code"] == "ALREADY_CONFIRMED"
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 1


async def test_only_the_owner_side_chooses_and_only_the_two_sides_confirm(
    gql: Any, alice: Person, make_person: Any, list_asset: Any, other_hub: Any
) -> None:
    # given
    desk = await list_asset(alice)
    bob, stranger = await make_person(display_name="Bob"), await make_person()
    request_id = (await ask(gql, bob, desk))["giveawayRequest"]["id"]
    outsider = await create_person(hub=other_hub)
    # when / then
    for document, person in (
        (CHOOSE, bob),
        (CHOOSE, stranger),
        (DECLINE, bob),
        (WITHDRAW, alice),
        (WITHDRAW, stranger),
        (CONFIRM, stranger),
    ):
        errors = (await act(gql, document, person, request_id))["errors"]
        assert [e["code"] for e in errors] == ["FORBIDDEN"], document
    for document in (CHOOSE, CONFIRM, WITHDRAW):
        errors = (await act(gql, document, outsider, request_id))["errors"]
        assert [e["code"] for e in errors] == ["NOT_FOUND"]
    assert (await GiveawayRequest.get(requester_id=bob.member.id)).status == "pending"
    body = await gql.raw(REQUESTS, {"assetId": gid("Asset", desk.id)}, as_=stranger)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.raw(REQUESTS, {"assetId": gid("Asset", desk.id)}, as_=outsider)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    request_node = await gql.raw(
        "query($id: ID!) { node(id: $id) { id } }", {"id": request_id}, as_=stranger
    )
    assert request_node["data"]["node"] is None


async def test_the_audience_decides_who_may_ask(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: a desk for organisations only, and one for members with a DBS check
    for_orgs = await list_asset(alice, title="Filing cabinet", audience="organisations")
    checked = await list_asset(
        alice, title="Cot", audience="checked_members", required_checks=["dbs_basic"]
    )
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    charity = await organisations.create_organisation(
        actor=actor_of(bob), name="Levenshulme Pantry", kind="charity"
    )
    other = await organisations.create_organisation(
        actor=actor_of(carol), name="Carol's Club", kind="community_group"
    )
    await organisations.add_member(
        actor=actor_of(bob), organisation_id=charity.id, member_id=carol.member.id, role="staff"
    )
    # when / then: without an organisation, with one you do not belong to, with yours
    refused = await ask(gql, bob, for_orgs)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("NOT_ELIGIBLE", "organisationId")
    ]
    not_his = await ask(gql, bob, for_orgs, organisationId=gid("Organisation", other.id))
    assert [e["code"] for e in not_his["errors"]] == ["FORBIDDEN"]
    asked = await ask(gql, bob, for_orgs, organisationId=gid("Organisation", charity.id))
    assert asked["errors"] == []
    assert asked["giveawayRequest"]["requesterOrganisation"] == {"name": "Levenshulme Pantry"}
    # the organisation's people confirm for the receiving side
    request_id = asked["giveawayRequest"]["id"]
    await act(gql, CHOOSE, alice, request_id)
    by_staff = await act(gql, CONFIRM, carol, request_id)
    assert by_staff["errors"] == [] and by_staff["giveawayRequest"]["receiverConfirmedAt"]
    # a check the member does not hold (or holds unverified), then holds
    await TrustCheck.create(
        hub_id=hub.id, member_id=bob.member.id, kind=CheckKind.DBS_BASIC, reference="D-2"
    )
    missing = await ask(gql, bob, checked)
    assert [(e["code"], e["message"]) for e in missing["errors"]] == [
        ("NOT_ELIGIBLE", "This needs verified checks: dbs_basic.")
    ]
    await TrustCheck.filter(member_id=bob.member.id).update(status=CheckStatus.VERIFIED)
    assert (await ask(gql, bob, checked))["errors"] == []


@pytest.fixture
async def many_requests(alice: Person, make_person: Any, list_asset: Any) -> Any:
    """A desk with 105 requests, and Bob's 105 requests for 105 desks."""
    desk = await list_asset(alice, title="Popular desk")
    bob = await make_person(display_name="Bob")
    for n in range(105):
        asker = await make_person(display_name=f"Asker {n}")
        await GiveawayRequest.create(
            hub_id=desk.hub_id, asset_id=desk.id, requester_id=asker.member.id
        )
        other = await list_asset(alice, title=f"Desk {n}")
        await GiveawayRequest.create(
            hub_id=desk.hub_id, asset_id=other.id, requester_id=bob.member.id
        )
    return desk, bob


async def test_the_request_lists_run_the_same_statements_for_5_and_100_rows(
    gql: Any, alice: Person, many_requests: Any
) -> None:
    desk, bob = many_requests
    mine = """query($first: Int) { myGiveawayRequests(first: $first) {
      edges { node { id status asset { title ownerMember { displayName } location { lat } }
                     requester { displayName } } } } }"""
    cases: list[tuple[str, Person, dict[str, Any], str]] = [
        (REQUESTS, alice, {"assetId": gid("Asset", desk.id)}, "giveawayRequests"),
        (mine, bob, {}, "myGiveawayRequests"),
    ]
    for document, person, variables, key in cases:
        counts = []
        await auth.authenticate(person.token)  # seen before, as an app's token is
        for first in (5, 100):
            with count_sql() as counter:
                data = await gql(document, {**variables, "first": first}, as_=person)
            assert len(data[key]["edges"]) == first
            counts.append(len(counter.statements))
        # 2 to authenticate, 1 for the page, 1 per relation batch (assets, their owners,
        # requesters) and the policy's batches for the place (chosen, borrower, booker)
        assert counts[0] == counts[1] <= 9, (key, counts)
