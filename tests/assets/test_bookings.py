"""Bookings through the API: book (instant or with approval), confirm or decline, cancel in
time or late, check in and out; the credits held, paid and released; who may do what; typed
errors that write nothing; opening hours across a daylight-saving change; the statements of
the booking lists for 5 and 100 rows."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.assets.impact_models import ImpactRecord
from app.assets.models import Asset
from app.assets.sharing_models import Booking
from app.audit.models import AuditEvent
from app.auth import service as auth
from app.credits import ledger
from app.credits.models import SystemAccount, Transfer, TransferKind
from app.jobs.models import OutboxJob
from app.organisations import service as organisations
from app.people.models import CheckKind, CheckStatus, Role, TrustCheck
from tests.assets.conftest import actor_of, gid
from tests.assets.lending import books, fund, iso, soon, transfers
from tests.helpers import Person, count_sql, create_person, next_weekday

LONDON = ZoneInfo("Europe/London")
BOOK = """
mutation Book($input: BookAssetInput!) {
  bookAsset(input: $input) {
    booking { id status startsAt endsAt priceCredits decidedAt message
              asset { title } booker { displayName } bookerOrganisation { name } }
    errors { code field message }
  }
}"""
CONFIRM = """
mutation Confirm($input: ConfirmBookingInput!) {
  confirmBooking(input: $input) { booking { status decidedAt } errors { code message } }
}"""
DECLINE = """
mutation Decline($input: DeclineBookingInput!) {
  declineBooking(input: $input) { booking { status cancelReason } errors { code message } }
}"""
CANCEL = """
mutation Cancel($input: CancelBookingInput!) {
  cancelBooking(input: $input) { booking { status cancelledAt } errors { code message } }
}"""
CHECK_IN = """
mutation In($input: CheckInBookingInput!) {
  checkInBooking(input: $input) { booking { status checkedInAt } errors { code message } }
}"""
CHECK_OUT = """
mutation Out($input: CheckOutBookingInput!) {
  checkOutBooking(input: $input) { booking { status checkedOutAt } errors { code message } }
}"""
MINE = """
query Mine($first: Int) { myBookings(first: $first) {
  edges { node { id status startsAt asset { title ownerMember { displayName } }
                 booker { displayName } } } } }"""
CALENDAR = """
query Calendar($assetId: ID!, $first: Int) { assetBookings(assetId: $assetId, first: $first) {
  edges { node { id status startsAt message booker { displayName }
                 bookerOrganisation { name } asset { title } } } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Booking { id status } } }"""


@pytest.fixture
def list_room(list_asset: Any, spaces: Any) -> Any:
    """`await list_room(person, ...)`: a bookable meeting room, always open unless told."""

    async def make(person: Person, **fields: Any) -> Asset:
        values = {"kind": "bookable", "title": "Meeting room", "category_id": spaces.id}
        values |= {"weight_kg": None}
        return await list_asset(person, **(values | fields))  # type: ignore[no-any-return]

    return make


async def book(
    gql: Any, person: Person, room: Asset, starts: datetime, ends: datetime, **extra: Any
) -> dict[str, Any]:
    variables = {"assetId": gid("Asset", room.id), "startsAt": iso(starts), "endsAt": iso(ends)}
    data = await gql(BOOK, {"input": variables | extra}, as_=person)
    return data["bookAsset"]  # type: ignore[no-any-return]


async def act(gql: Any, document: str, person: Person, booking_id: str, **extra: Any) -> Any:
    data = await gql(document, {"input": {"bookingId": booking_id, **extra}}, as_=person)
    return next(iter(data.values()))


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_an_instant_priced_booking_is_held_checked_in_out_and_paid(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: Alice's room at 40 credits an hour, booked without approval; Bob has 500 credits
    room = await list_room(alice, price_credits=40, requires_approval=False)
    bob = await make_person(display_name="Bob")
    await fund(bob, 500)
    starts = soon(5)
    # when: Bob books 90 minutes starting in a few minutes
    booked = await book(gql, bob, room, starts, starts + timedelta(minutes=90), message="Choir")
    # then: confirmed at once, 60 credits held on Bob, booking.confirmed queued
    assert booked["errors"] == []
    booking = booked["booking"]
    assert (booking["status"], booking["priceCredits"], booking["message"]) == (
        "CONFIRMED",
        60,
        "Choir",
    )
    assert booking["decidedAt"] and booking["booker"] == {"displayName": "Bob"}
    assert await books(bob) == (500, 60)
    assert await transfers(hub, TransferKind.RENTAL) == [(60, "pending")]
    row = await Booking.get(hub_id=hub.id, booker_id=bob.member.id)
    confirmed = await OutboxJob.filter(name__startswith="event:booking.confirmed:").values_list(
        "payload", flat=True
    )
    assert {"booking_id": row.id} in confirmed
    # both sides see it in their lists
    mine = (await gql(MINE, {"first": 10}, as_=bob))["myBookings"]["edges"]
    assert [e["node"]["id"] for e in mine] == [booking["id"]]
    calendar = await gql(CALENDAR, {"assetId": gid("Asset", room.id)}, as_=alice)
    assert [e["node"]["message"] for e in calendar["assetBookings"]["edges"]] == ["Choir"]
    # when: Bob checks in (within 15 minutes of the start) and Alice checks him out
    checked_in = await act(gql, CHECK_IN, bob, booking["id"])
    assert checked_in["errors"] == [] and checked_in["booking"]["status"] == "CHECKED_IN"
    out = await act(gql, CHECK_OUT, alice, booking["id"])
    # then: the credits are paid to Alice, the impact recorded once
    assert out["errors"] == [] and out["booking"]["status"] == "CHECKED_OUT"
    assert await books(bob) == (440, 0) and await books(alice) == (60, 0)
    assert await transfers(hub, TransferKind.RENTAL) == [(60, "posted")]
    record = await ImpactRecord.get(hub_id=hub.id, booking_id=row.id)
    assert (record.minutes, record.receiver_member_id) == (90, bob.member.id)
    again = await act(gql, CHECK_OUT, bob, booking["id"])
    assert again["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 1
    actions = await AuditEvent.filter(hub_id=hub.id, object_type="Booking").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["booking.check_in", "booking.check_out", "booking.create"]


async def test_the_owner_side_confirms_or_declines_a_booking_that_needs_approval(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: a room that needs approval at 60 an hour; Bob asks for two slots
    room = await list_room(alice, price_credits=60)
    bob = await make_person(display_name="Bob")
    await fund(bob, 300)
    day = soon(60 * 24 * 3)
    first = await book(gql, bob, room, day, day + timedelta(hours=1))
    second = await book(gql, bob, room, day + timedelta(hours=2), day + timedelta(hours=3))
    assert [first["booking"]["status"], second["booking"]["status"]] == ["PENDING", "PENDING"]
    assert first["booking"]["decidedAt"] is None
    assert await books(bob) == (300, 120)  # both held while the owner decides
    # when: Alice confirms the first and declines the second
    confirmed = await act(gql, CONFIRM, alice, first["booking"]["id"])
    declined = await act(gql, DECLINE, alice, second["booking"]["id"], reason="Cleaning day")
    # then
    assert confirmed["booking"]["status"] == "CONFIRMED" and confirmed["booking"]["decidedAt"]
    assert declined["booking"] == {"status": "DECLINED", "cancelReason": "Cleaning day"}
    assert await books(bob) == (300, 60)
    assert await transfers(hub, TransferKind.RENTAL) == [(60, "pending"), (60, "voided")]
    # the declined slot is free again; deciding twice is a typed error
    again = await book(gql, bob, room, day + timedelta(hours=2), day + timedelta(hours=3))
    assert again["errors"] == []
    twice = await act(gql, CONFIRM, alice, first["booking"]["id"])
    assert [e["code"] for e in twice["errors"]] == ["INVALID_TRANSITION"]


async def test_cancelling_in_time_releases_the_credits_and_late_pays_them(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: a room at 60 an hour, cancelled free of charge up to a day before its start
    room = await list_room(alice, price_credits=60, requires_approval=False)
    await Asset.filter(id=room.id).update(cancel_notice_minutes=24 * 60)
    bob = await make_person(display_name="Bob")
    await fund(bob, 1000)
    far, near = soon(60 * 24 * 3), soon(60 * 3)
    early = await book(gql, bob, room, far, far + timedelta(hours=1))
    late = await book(gql, bob, room, near, near + timedelta(hours=1))
    by_owner = await book(gql, bob, room, near + timedelta(hours=1), near + timedelta(hours=2))
    # when: Bob cancels three days ahead, and three hours ahead; Alice cancels the third
    in_time = await act(gql, CANCEL, bob, early["booking"]["id"], reason="Plans changed")
    too_late = await act(gql, CANCEL, bob, late["booking"]["id"])
    owner = await act(gql, CANCEL, alice, by_owner["booking"]["id"])
    # then: all cancelled; only the late one is paid (the slot was kept for him)
    assert [p["booking"]["status"] for p in (in_time, too_late, owner)] == ["CANCELLED"] * 3
    assert await transfers(hub, TransferKind.RENTAL) == [
        (60, "voided"),
        (60, "posted"),
        (60, "voided"),
    ]
    assert await books(bob) == (940, 0) and await books(alice) == (60, 0)
    # a cancelled booking cannot be cancelled or checked into again; its slot is free
    assert (await act(gql, CANCEL, bob, early["booking"]["id"]))["errors"][0]["code"] == (
        "INVALID_TRANSITION"
    )
    assert (await book(gql, bob, room, far, far + timedelta(hours=1)))["errors"] == []


async def test_who_may_book_is_the_asset_audience(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: a hall for organisations only; Bob runs a charity, Carol belongs to none
    hall = await list_room(alice, title="Church hall", audience="organisations")
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    charity = await organisations.create_organisation(
        actor=actor_of(bob), name="Levenshulme Pantry", kind="charity"
    )
    starts = soon(60 * 24)
    # when / then: a member on their own is refused, nothing written
    refused = await book(gql, carol, hall, starts, starts + timedelta(hours=1))
    assert codes(refused) == [("NOT_ELIGIBLE", "organisationId")]
    not_hers = await book(
        gql,
        carol,
        hall,
        starts,
        starts + timedelta(hours=1),
        organisationId=gid("Organisation", charity.id),
    )
    assert codes(not_hers) == [("FORBIDDEN", "organisationId")]
    assert await Booking.filter(hub_id=hub.id).count() == 0
    # for the organisation Bob belongs to, it is fine
    booked = await book(
        gql,
        bob,
        hall,
        starts,
        starts + timedelta(hours=1),
        organisationId=gid("Organisation", charity.id),
    )
    assert booked["errors"] == []
    assert booked["booking"]["bookerOrganisation"] == {"name": "Levenshulme Pantry"}
    # a room for members with a verified DBS check: refused until Carol holds one
    creche = await list_room(
        alice, title="Creche", audience="checked_members", required_checks=["dbs_basic"]
    )
    missing = await book(gql, carol, creche, starts, starts + timedelta(hours=1))
    assert [(e["code"], e["message"]) for e in missing["errors"]] == [
        ("NOT_ELIGIBLE", "This needs verified checks: dbs_basic.")
    ]
    await TrustCheck.create(
        hub_id=hub.id,
        member_id=carol.member.id,
        kind=CheckKind.DBS_BASIC,
        reference="D-1",
        status=CheckStatus.VERIFIED,
    )
    assert (await book(gql, carol, creche, starts, starts + timedelta(hours=1)))["errors"] == []


async def test_the_credits_go_to_the_owner_side_an_organisation_or_the_hub(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: a studio of Alice's charity and a council room, each 60 credits an hour
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Arts Hub", kind="charity"
    )
    studio = await list_room(
        alice, title="Studio", organisation_id=charity.id, price_credits=60, requires_approval=False
    )
    council = await list_room(
        alice,
        title="Town hall room",
        roles=(Role.HUB_ADMIN,),
        for_hub=True,
        price_credits=60,
        requires_approval=False,
    )
    bob = await make_person(display_name="Bob")
    await fund(bob, 200)
    # when: Bob uses each for an hour
    for asset in (studio, council):
        starts = soon(5)
        booking_id = (await book(gql, bob, asset, starts, starts + timedelta(hours=1)))["booking"][
            "id"
        ]
        await act(gql, CHECK_IN, bob, booking_id)
        assert (await act(gql, CHECK_OUT, bob, booking_id))["errors"] == []
    # then: the charity's account and the hub's PUBLIC_ASSETS account were paid
    charity_account = await ledger.organisation_account(hub.id, charity.id)
    public = await ledger.system_account(hub.id, SystemAccount.PUBLIC_ASSETS)
    assert (charity_account.balance, public.balance) == (60, 60)
    assert await books(bob) == (80, 0)


async def test_only_the_two_sides_act_and_other_hubs_see_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any, other_hub: Any
) -> None:
    # given: Bob's pending booking of Alice's room; a stranger; someone from another hub
    room = await list_room(alice)
    bob, stranger = await make_person(display_name="Bob"), await make_person()
    outsider = await create_person(hub=other_hub)
    moderator = await make_person(roles=[Role.MODERATOR])
    starts = soon(60 * 24)
    booking_id = (await book(gql, bob, room, starts, starts + timedelta(hours=1)))["booking"]["id"]
    # when / then: the booker cannot approve his own booking, a stranger does nothing
    for document, person in (
        (CONFIRM, bob),
        (DECLINE, bob),
        (CONFIRM, stranger),
        (DECLINE, stranger),
        (CANCEL, stranger),
        (CHECK_IN, stranger),
        (CHECK_OUT, stranger),
        (CONFIRM, moderator),
    ):
        errors = (await act(gql, document, person, booking_id))["errors"]
        assert [e["code"] for e in errors] == ["FORBIDDEN"], (document, person)
    await act(gql, CONFIRM, alice, booking_id)
    assert [e["code"] for e in (await act(gql, CHECK_IN, alice, booking_id))["errors"]] == [
        "FORBIDDEN"
    ]
    for document in (CONFIRM, CANCEL, CHECK_IN):
        errors = (await act(gql, document, outsider, booking_id))["errors"]
        assert [e["code"] for e in errors] == ["NOT_FOUND"]
    assert (await Booking.get(hub_id=hub.id)).status == "confirmed"
    # the booking is hidden from the stranger and the other hub, shown to a moderator
    for person in (stranger, outsider):
        assert (await gql(NODE, {"id": booking_id}, as_=person))["node"] is None
    assert (await gql(NODE, {"id": booking_id}, as_=moderator))["node"]["status"] == "CONFIRMED"
    body = await gql.raw(CALENDAR, {"assetId": gid("Asset", room.id)}, as_=stranger)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.raw(CALENDAR, {"assetId": gid("Asset", room.id)}, as_=outsider)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await gql(MINE, as_=outsider))["myBookings"]["edges"] == []
    # an outsider cannot book it either
    refused = await book(gql, outsider, room, starts, starts + timedelta(hours=1))
    assert codes(refused) == [("NOT_FOUND", "assetId")]


async def test_bad_input_gets_typed_errors_and_writes_nothing(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: a priced room of 30 minutes to 2 hours, asked for an hour ahead, and one open
    # on Tuesdays 09:00-17:00 only; Bob has 50 credits
    room = await list_room(
        alice, price_credits=60, min_minutes=30, max_minutes=120, notice_minutes=60
    )
    tuesdays = await list_room(
        alice, title="Studio", opening_hours=[{"weekday": 2, "from": "09:00", "to": "17:00"}]
    )
    bob = await make_person(display_name="Bob")
    await fund(bob, 50)
    day = soon(60 * 24 * 2)
    tuesday = next_weekday(1)

    def local(hour: int, minute: int = 0) -> datetime:
        return datetime(tuesday.year, tuesday.month, tuesday.day, hour, minute, tzinfo=LONDON)

    cases: list[tuple[Person, Asset, datetime, datetime, list[tuple[str, str | None]]]] = [
        (bob, room, day, day - timedelta(hours=1), [("INVALID", "endsAt")]),
        (bob, room, day, day, [("INVALID", "endsAt")]),
        (bob, room, soon(-90), soon(-30), [("IN_PAST", "startsAt")]),
        (bob, room, soon(10), soon(40), [("TOO_SOON", "startsAt")]),
        (bob, room, day, day + timedelta(minutes=15), [("TOO_SHORT", "endsAt")]),
        (bob, room, day, day + timedelta(hours=3), [("TOO_LONG", "endsAt")]),
        (bob, room, day, day + timedelta(days=40), [("TOO_LONG", "endsAt")]),
        (bob, room, day, day + timedelta(hours=1), [("INSUFFICIENT_CREDITS", None)]),
        (alice, room, day, day + timedelta(hours=1), [("OWN_ASSET", "assetId")]),
        (bob, tuesdays, local(8, 30), local(9, 30), [("OUTSIDE_OPENING_HOURS", "startsAt")]),
        (bob, tuesdays, local(16), local(17, 30), [("OUTSIDE_OPENING_HOURS", "startsAt")]),
        (bob, tuesdays, local(20), local(21), [("OUTSIDE_OPENING_HOURS", "startsAt")]),
    ]
    # when / then
    for person, asset, starts, ends, expected in cases:
        refused = await book(gql, person, asset, starts, ends)
        assert codes(refused) == expected, (asset.title, starts, ends)
        assert all(e["message"] for e in refused["errors"])
    assert await Booking.filter(hub_id=hub.id).count() == 0
    assert await Transfer.filter(hub_id=hub.id, kind=TransferKind.RENTAL).count() == 0
    assert await books(bob) == (50, 0)
    assert await AuditEvent.filter(hub_id=hub.id, object_type="Booking").count() == 0
    # the same slots within the rules are taken
    assert (await book(gql, bob, tuesdays, local(9), local(17)))["errors"] == []
    assert (await book(gql, bob, room, day, day + timedelta(minutes=30)))["errors"] == []
    assert await books(bob) == (50, 30)
    # checking in too early is refused
    booking_id = (await gql(MINE, as_=bob))["myBookings"]["edges"][0]["node"]["id"]
    early = await act(gql, CHECK_IN, bob, booking_id)
    assert [e["code"] for e in early["errors"]] == ["INVALID_TRANSITION"]


async def test_opening_hours_are_the_hubs_wall_clock_on_the_day_clocks_change(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_room: Any
) -> None:
    # given: a room open on Sundays 09:00-17:00 London time. On Sunday 28 March 2027 the
    # clocks go forward at 01:00 UTC: 09:00 that day is 08:00 UTC; a week before it was 09:00.
    room = await list_room(alice, opening_hours=[{"weekday": 7, "from": "09:00", "to": "17:00"}])
    bob = await make_person(display_name="Bob")
    utc = ZoneInfo("UTC")

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2027, 3, day, hour, minute, tzinfo=utc)

    # when / then: on the day of the change the window is 08:00-16:00 UTC
    assert (await book(gql, bob, room, at(28, 8), at(28, 9)))["errors"] == []
    assert (await book(gql, bob, room, at(28, 15), at(28, 16)))["errors"] == []
    for starts, ends in ((at(28, 7, 30), at(28, 8, 30)), (at(28, 16), at(28, 16, 30))):
        refused = await book(gql, bob, room, starts, ends)
        assert codes(refused) == [("OUTSIDE_OPENING_HOURS", "startsAt")], starts
    # the week before (GMT) the same UTC hours are an hour earlier in London
    refused = await book(gql, bob, room, at(21, 8), at(21, 9))
    assert codes(refused) == [("OUTSIDE_OPENING_HOURS", "startsAt")]
    assert (await book(gql, bob, room, at(21, 16), at(21, 17)))["errors"] == []
    # and the free-slot search agrees, slot by slot (the same predicates)
    search = """query($free: TimeRangeInput!) { assets(filter: {free: $free}, first: 5) {
      edges { node { id } } } }"""
    for starts, ends, found in (
        (at(28, 10), at(28, 11), True),
        (at(28, 16), at(28, 16, 30), False),
        (at(21, 8), at(21, 9), False),
    ):
        free = {"startsAt": iso(starts), "endsAt": iso(ends)}
        data = await gql(search, {"free": free}, as_=bob)
        assert bool(data["assets"]["edges"]) is found, starts


@pytest.fixture
async def many_bookings(alice: Person, make_person: Any, list_room: Any) -> Any:
    """A room with 105 bookings by different people, and Bob's 105 bookings of 105 rooms."""
    room = await list_room(alice, title="Busy room")
    bob = await make_person(display_name="Bob")
    starts = soon(60 * 24)
    for n in range(105):
        booker = await make_person(display_name=f"Booker {n}")
        slot = starts + timedelta(hours=n)
        await Booking.create(
            hub_id=room.hub_id,
            asset_id=room.id,
            booker_id=booker.member.id,
            starts_at=slot,
            ends_at=slot + timedelta(hours=1),
            status="confirmed",
        )
        other = await list_room(alice, title=f"Room {n}")
        await Booking.create(
            hub_id=room.hub_id,
            asset_id=other.id,
            booker_id=bob.member.id,
            starts_at=slot,
            ends_at=slot + timedelta(hours=1),
            status="pending",
        )
    return room, bob


async def test_the_booking_lists_run_the_same_statements_for_5_and_100_rows(
    gql: Any, alice: Person, many_bookings: Any
) -> None:
    room, bob = many_bookings
    cases: list[tuple[str, Person, dict[str, Any], str]] = [
        (CALENDAR, alice, {"assetId": gid("Asset", room.id)}, "assetBookings"),
        (MINE, bob, {}, "myBookings"),
    ]
    for document, person, variables, key in cases:
        counts = []
        await auth.authenticate(person.token)  # seen before, as an app's token is
        for first in (5, 100):
            with count_sql() as counter:
                data = await gql(document, {**variables, "first": first}, as_=person)
            assert len(data[key]["edges"]) == first
            counts.append(len(counter.statements))
        # 2 to authenticate, 1 to find the asset, 1 for the page, 1 per relation batch
        # (assets, their owners, bookers, organisations) and the policy's batches
        assert counts[0] == counts[1] <= 9, (key, counts)
