"""iCalendar feeds: made, rotated and revoked through the API; every feed parsed by the
`icalendar` library; local times right across the daylight-saving changes; caching for
calendar clients; a revoked token answers 404; statements do not grow with the events."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from app.assets.sharing_models import Booking, CalendarFeed, Loan
from app.opportunities import applications
from app.opportunities import service as opportunities
from app.opportunities.models import Category
from app.organisations import service as organisations
from tests.assets.conftest import SALFORD, actor_of, gid
from tests.helpers import Person, count_sql

LONDON = ZoneInfo("Europe/London")
CREATE = """
mutation Create($input: CreateCalendarFeedInput!) {
  createCalendarFeed(input: $input) {
    url calendarFeed { id kind active asset { title } } errors { code field message }
  }
}"""
ROTATE = """
mutation Rotate($input: RotateCalendarFeedInput!) {
  rotateCalendarFeed(input: $input) { url calendarFeed { active } errors { code field } }
}"""
REVOKE = """
mutation Revoke($input: RevokeCalendarFeedInput!) {
  revokeCalendarFeed(input: $input) { url calendarFeed { active revokedAt } errors { code field } }
}"""
MINE = """
query Mine { myCalendarFeeds(first: 10) { edges { node { id kind active lastReadAt } } } }"""


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _next_change(month: int) -> date:
    """The next last Sunday of `month` (3: summer time begins, 10: it ends) after a week."""
    today = datetime.now(LONDON).date()
    for year in (today.year, today.year + 1):
        found = _last_sunday(year, month)
        if found > today + timedelta(days=7):
            return found
    raise AssertionError("unreachable")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


async def _feed(gql: Any, person: Person, asset: Any = None) -> dict[str, Any]:
    variables = {"input": {"assetId": gid("Asset", asset.id)} if asset else {}}
    data = await gql(CREATE, variables, as_=person)
    assert data["createCalendarFeed"]["errors"] == [], data
    return data["createCalendarFeed"]  # type: ignore[no-any-return]


async def _get(http: Any, url: str, **headers: str) -> Any:
    return await http.get(url.removeprefix("http://testserver"), headers=headers)


def _parse(response: Any) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(e["uid"]).split("@")[0]: e for e in calendar.walk("VEVENT")}


async def _room(list_asset: Any, person: Person, spaces: Any, **extra: Any) -> Any:
    return await list_asset(person, kind="bookable", title="Hall", category_id=spaces.id, **extra)


async def _book(hub: Any, asset: Any, booker: Person, starts: datetime, **extra: Any) -> Booking:
    return await Booking.create(
        hub_id=hub.id,
        asset_id=asset.id,
        booker_id=booker.member.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status=extra.pop("status", "confirmed"),
        message="please leave the heating on",
        **extra,
    )


async def _shift(hub: Any, poster: Person, volunteer: Person, starts: datetime, rule: str) -> Any:
    category = await Category.create(hub_id=hub.id, slug="food", name="Food")
    fields = {
        "kind": "request",
        "title": "Cook for the lunch club",
        "category_id": category.id,
        "location": SALFORD,
        "address": "3 Chapel Street",
        "area_name": "Salford",
        "places": 2,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "recurrence": rule,
    }
    shift = await opportunities.create_opportunity(
        actor=actor_of(poster), publish=True, fields=fields
    )
    applied = await applications.apply(actor=actor_of(volunteer), opportunity_id=shift.id)
    await applications.accept(actor=actor_of(poster), application_id=applied.id)
    return applied


async def test_a_member_feed_keeps_local_times_across_both_daylight_saving_changes(
    gql: Any, http: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given Bob's 09:00 booking each Monday around the spring change, a loan he must return,
    # and a weekly 09:00 shift he was accepted for around the autumn change
    bob = await make_person(display_name="Bob")
    room = await _room(list_asset, alice, spaces, address="2 Hall Lane", area_name="Ancoats")
    spring = _next_change(3)
    mondays = [spring - timedelta(days=6), spring + timedelta(days=1)]
    for monday in mondays:
        await _book(hub, room, bob, _at(monday, 9))
    studio = await _room(list_asset, alice, spaces, address="9 Mill Lane", area_name="Salford")
    await _book(hub, studio, bob, _at(spring + timedelta(days=8), 9), status="pending")
    await _book(hub, room, bob, _at(spring + timedelta(days=15), 9), status="cancelled")
    drill = await list_asset(alice, kind="loan", title="Drill", area_name="Ancoats")
    due = _at(spring + timedelta(days=20), 18)
    await Loan.create(
        hub_id=hub.id,
        asset_id=drill.id,
        borrower_id=bob.member.id,
        starts_at=due - timedelta(days=3),
        due_at=due,
        status="on_loan",
        handover_owner_confirmed_at=due - timedelta(days=3),
        handover_borrower_confirmed_at=due - timedelta(days=3),
        handed_over_at=due - timedelta(days=3),
    )
    autumn = _next_change(10)
    first_shift = _at(autumn - timedelta(days=6), 9)  # the Monday before the clocks go back
    application = await _shift(hub, alice, bob, first_shift, "FREQ=WEEKLY;COUNT=3")

    # when Bob makes his feed and a calendar app reads it
    made = await _feed(gql, bob)
    response = await _get(http, made["url"])

    # then it is valid iCalendar with the hub's zone
    calendar = _parse(response)
    assert made["calendarFeed"]["kind"] == "MEMBER" and made["url"].endswith(".ics")
    assert calendar["method"] == "PUBLISH" and calendar["version"] == "2.0"
    assert str(calendar["x-wr-calname"]) == f"Bob · {hub.name}"
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    events = _events(calendar)
    bookings = sorted((k for k in events if k.startswith("booking-")), key=lambda k: int(k[8:]))
    assert len(bookings) == 3  # the cancelled one is not there
    # and 09:00 each week stays 09:00 in London, whatever the UTC offset
    starts = [events[k].decoded("dtstart") for k in bookings]
    assert [(s.date(), s.time()) for s in starts] == [
        (mondays[0], time(9)),
        (mondays[1], time(9)),
        (spring + timedelta(days=8), time(9)),
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [9, 8, 8]
    assert events[bookings[0]]["dtstart"].params["TZID"] == "Europe/London"
    assert [str(events[k]["status"]) for k in bookings] == ["CONFIRMED", "CONFIRMED", "TENTATIVE"]
    assert str(events[bookings[0]]["summary"]) == "Booked: Hall"
    assert str(events[bookings[0]]["location"]) == "2 Hall Lane"  # confirmed: the address
    assert str(events[bookings[2]]["location"]) == "Salford"  # only pending: the area
    assert "heating" not in response.text  # the booking message stays out
    # and the loan is due at 18:00 local
    loan = next(e for k, e in events.items() if k.startswith("loan-"))
    assert str(loan["summary"]) == "Return: Drill"
    assert loan.decoded("dtstart").replace(tzinfo=None) == due.replace(tzinfo=None)
    # and the weekly shift repeats at 09:00 local across the autumn change
    shift = events[f"shift-{application.id}"]
    assert str(shift["location"]) == "3 Chapel Street"  # accepted: the exact place
    rule = shift["rrule"].to_ical().decode()
    occurrences = list(rrulestr(rule, dtstart=shift.decoded("dtstart")))
    assert [o.time() for o in occurrences] == [time(9)] * 3
    assert [o.astimezone(UTC).hour for o in occurrences] == [8, 9, 9]
    assert shift.decoded("dtend") - shift.decoded("dtstart") == timedelta(hours=3)
    # and every event has what RFC 5545 asks of a published one
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "SEQUENCE", "LAST-MODIFIED"} <= set(event)


async def test_an_asset_feed_is_for_its_owner_side_and_names_only_the_booker(
    gql: Any, http: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given an organisation's room and loan, Bob's booking and Carol's loan
    bob, carol, dan = [await make_person(display_name=n) for n in ("Bob", "Carol", "Dan")]
    org = await organisations.create_organisation(
        actor=actor_of(alice), name="Ancoats Hall", kind="charity"
    )
    room = await _room(list_asset, alice, spaces, organisation_id=org.id)
    soon = _at(datetime.now(LONDON).date() + timedelta(days=10), 14)
    await _book(hub, room, bob, soon)
    await _book(hub, room, carol, soon + timedelta(hours=2), status="pending")
    kit = await list_asset(alice, kind="loan", title="Projector", organisation_id=org.id)
    await Loan.create(
        hub_id=hub.id,
        asset_id=kit.id,
        borrower_id=carol.member.id,
        starts_at=_at(soon.date(), 10),
        due_at=_at(soon.date() + timedelta(days=2), 10),
        status="approved",
    )

    # when a stranger asks for the room's feed, then the owner side does
    refused = await gql(CREATE, {"input": {"assetId": gid("Asset", room.id)}}, as_=dan)
    room_feed = await _feed(gql, alice, room)
    kit_feed = await _feed(gql, alice, kit)

    # then only the owner side gets one
    assert [e["code"] for e in refused["createCalendarFeed"]["errors"]] == ["FORBIDDEN"]
    assert room_feed["calendarFeed"]["asset"] == {"title": "Hall"}
    # and it shows the confirmed booking by the booker's name, nothing private
    events = _events(_parse(await _get(http, room_feed["url"])))
    assert [str(e["summary"]) for e in events.values()] == ["Hall: Bob"]
    assert all("location" not in e and "description" not in e for e in events.values())
    # and the loan is an all-day span from the day it goes out to the day it is due
    loan = next(iter(_events(_parse(await _get(http, kit_feed["url"]))).values()))
    assert str(loan["summary"]) == "On loan: Projector to Carol"
    assert loan.decoded("dtstart") == soon.date()
    assert loan.decoded("dtend") == soon.date() + timedelta(days=3)
    # and someone who leaves the organisation loses its feeds
    await organisations.add_member(
        actor=actor_of(alice), organisation_id=org.id, member_id=dan.member.id, role="staff"
    )
    dans = await _feed(gql, dan, room)
    assert (await _get(http, dans["url"])).status_code == 200
    await organisations.remove_member(
        actor=actor_of(alice), organisation_id=org.id, member_id=dan.member.id
    )
    assert (await _get(http, dans["url"])).status_code == 404


async def test_a_revoked_or_rotated_away_token_answers_404(
    gql: Any, http: Any, alice: Person, make_person: Any
) -> None:
    # given Alice's feed
    made = await _feed(gql, alice)
    feed_id = made["calendarFeed"]["id"]
    assert (await _get(http, made["url"])).status_code == 200

    # when she rotates it, then the old URL is gone and the new one works
    rotated = await gql(ROTATE, {"input": {"calendarFeedId": feed_id}}, as_=alice)
    new_url = rotated["rotateCalendarFeed"]["url"]
    assert new_url != made["url"]
    assert (await _get(http, made["url"])).status_code == 404
    assert (await _get(http, new_url)).status_code == 200

    # when someone else tries to revoke it, then nothing changes
    bob = await make_person()
    other = await gql(REVOKE, {"input": {"calendarFeedId": feed_id}}, as_=bob)
    assert [e["code"] for e in other["revokeCalendarFeed"]["errors"]] == ["FORBIDDEN"]
    assert (await _get(http, new_url)).status_code == 200

    # when she revokes it, then its URL answers 404 and no URL is shown
    revoked = await gql(REVOKE, {"input": {"calendarFeedId": feed_id}}, as_=alice)
    payload = revoked["revokeCalendarFeed"]
    assert payload["url"] is None and payload["calendarFeed"]["active"] is False
    gone = await _get(http, new_url)
    assert gone.status_code == 404 and gone.headers["cache-control"] == "no-store"
    # and an unknown or malformed token too
    assert (await http.get("/ical/chc_nothing.ics")).status_code == 404
    assert (await http.get("/ical/" + "x" * 300)).status_code == 404
    # and making a feed again replaces the one before
    again = await _feed(gql, alice)
    newest = await _feed(gql, alice)
    assert (await _get(http, again["url"])).status_code == 404
    assert (await _get(http, newest["url"])).status_code == 200
    mine = await gql(MINE, as_=alice)
    assert [e["node"]["active"] for e in mine["myCalendarFeeds"]["edges"]] == [
        True,
        False,
        False,
    ]
    assert await CalendarFeed.filter(member_id=alice.member.id).count() == 3
    # and no token is stored, only its digest
    token = newest["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert not await CalendarFeed.filter(token_sha256=token).exists()


async def test_calendar_clients_revalidate_with_the_etag(
    gql: Any, http: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given Bob's feed with a booking
    bob = await make_person(display_name="Bob")
    room = await _room(list_asset, alice, spaces)
    booking = await _book(hub, room, bob, _at(datetime.now(LONDON).date() + timedelta(days=3), 9))
    made = await _feed(gql, bob)
    # when a calendar app reads it, then reads it again with its ETag
    first = await _get(http, made["url"])
    again = await _get(http, made["url"], **{"If-None-Match": first.headers["etag"]})
    # then it is told nothing changed, and may keep its copy five minutes
    assert first.headers["cache-control"] == "private, max-age=300"
    assert first.headers["etag"].startswith('"') and first.headers["last-modified"]
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    # when the booking moves, then the ETag changes and the event's SEQUENCE grows
    await Booking.filter(id=booking.id).update(
        starts_at=booking.starts_at + timedelta(hours=1),
        ends_at=booking.ends_at + timedelta(hours=1),
        updated_at=booking.updated_at + timedelta(minutes=5),
    )
    changed = await _get(http, made["url"], **{"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    before = _events(_parse(first))[f"booking-{booking.id}"]
    after = _events(_parse(changed))[f"booking-{booking.id}"]
    assert after["uid"] == before["uid"] and after["sequence"] > before["sequence"]
    # and the feed records that a client read it
    mine = await gql(MINE, as_=bob)
    assert mine["myCalendarFeeds"]["edges"][0]["node"]["lastReadAt"] is not None


async def test_a_feed_runs_the_same_statements_for_3_and_30_events(
    gql: Any, http: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given Bob's feed with 3 bookings (and a shift), then 30 (and 10 shifts)
    bob = await make_person(display_name="Bob")
    room = await _room(list_asset, alice, spaces)
    start = _at(datetime.now(LONDON).date() + timedelta(days=3), 9)
    made = await _feed(gql, bob)

    async def read() -> int:
        with count_sql() as counter:
            response = await _get(http, made["url"])
        assert response.status_code == 200
        return len(counter.statements)

    await _shift(hub, alice, bob, start, "")
    for n in range(3):
        await _book(hub, room, bob, start + timedelta(days=n))
    await read()  # the first read of the hour also records last_read_at
    small = await read()
    for n in range(3, 30):
        await _book(hub, room, bob, start + timedelta(days=n))
    # when it is read again, then it costs the same statements
    large = await read()
    events = _events(_parse(await _get(http, made["url"])))
    assert len(events) == 31
    # the feed with its member and hub, their roles, three lists (bookings, loans, accepted
    # shifts with their opportunity), the assets, and the policy's batches for the exact places
    # (a chosen giveaway, an agreed loan, a confirmed booking; an accepted application): 10
    assert small == large <= 10, (small, large)


async def test_bad_input_writes_nothing(gql: Any, hub: Any, alice: Person, list_asset: Any) -> None:
    # given a giveaway
    desk = await list_asset(alice)
    # when Alice asks for a calendar of a giveaway, of something else, or of no feed
    giveaway = await gql(CREATE, {"input": {"assetId": gid("Asset", desk.id)}}, as_=alice)
    wrong = await gql(CREATE, {"input": {"assetId": gid("Member", 1)}}, as_=alice)
    missing = await gql(REVOKE, {"input": {"calendarFeedId": gid("CalendarFeed", 0)}}, as_=alice)
    # then typed errors, and no feed
    assert giveaway["createCalendarFeed"]["errors"] == [
        {
            "code": "INVALID",
            "field": "assetId",
            "message": "Only loans and bookables have calendars.",
        }
    ]
    assert [e["code"] for e in wrong["createCalendarFeed"]["errors"]] == ["INVALID"]
    assert [(e["code"], e["field"]) for e in missing["revokeCalendarFeed"]["errors"]] == [
        ("NOT_FOUND", "calendarFeedId")
    ]
    assert not await CalendarFeed.filter(hub_id=hub.id).exists()
