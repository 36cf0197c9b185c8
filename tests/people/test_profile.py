"""updateProfile: every field, partial updates, privacy of the exact home and birth date, bad input."""

from datetime import date, timedelta
from typing import Any

import h3

from app.audit.models import AuditEvent
from app.people.models import Member
from tests.people.conftest import snapshot

UPDATE_PROFILE = """
mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    member {
      id displayName bio interests travelKm areaCell
      homeLocation { lat lng }
      dateOfBirth
      availability { weekday start end }
      notificationPreferences { email inApp digest quietHoursStart quietHoursEnd }
    }
    errors { code field message }
  }
}"""
MEMBER = """
query Member($id: ID!) {
  node(id: $id) {
    ... on Member {
      displayName bio interests travelKm areaCell homeLocation { lat lng } dateOfBirth email
      availability { weekday start end } notificationPreferences { digest }
    }
  }
}"""

EVERY_FIELD = {
    "displayName": "  Alice A.  ",
    "bio": "Retired nurse.\nLoves gardens.",
    "interests": ["Gardening", "gardening", "Food"],
    "homeLocation": {"lat": 53.4794, "lng": -2.2453},
    "travelKm": 8,
    "availability": [
        {"weekday": "SAT", "start": "14:00", "end": "17:30"},
        {"weekday": "TUE", "start": "09:00", "end": "12:00"},
    ],
    "notificationPreferences": {
        "email": False,
        "inApp": True,
        "digest": "WEEKLY",
        "quietHoursStart": "22:00",
        "quietHoursEnd": "07:00",
    },
    "dateOfBirth": "1960-05-04",
}


async def test_a_member_updates_every_field_of_their_profile(gql: Any, alice: Any) -> None:
    # when
    data = await gql(UPDATE_PROFILE, {"input": EVERY_FIELD}, as_=alice)
    # then: the payload shows the cleaned values
    payload = data["updateProfile"]
    assert payload["errors"] == []
    member = payload["member"]
    assert member["id"] == alice.gid
    assert member["displayName"] == "Alice A."
    assert member["bio"] == "Retired nurse.\nLoves gardens."
    assert member["interests"] == ["gardening", "food"]
    assert member["homeLocation"] == {"lat": 53.4794, "lng": -2.2453}
    assert member["travelKm"] == 8
    assert member["availability"] == [
        {"weekday": "TUE", "start": "09:00", "end": "12:00"},
        {"weekday": "SAT", "start": "14:00", "end": "17:30"},
    ]
    assert member["notificationPreferences"] == EVERY_FIELD["notificationPreferences"]
    assert member["dateOfBirth"] == "1960-05-04"
    # and: the home is kept exactly, and the public area is the coarse cell around it
    row = await Member.get(id=alice.member.id)
    assert (row.home_lat, row.home_lng) == (53.4794, -2.2453)
    assert row.home_cell == h3.latlng_to_cell(53.4794, -2.2453, 8)
    assert member["areaCell"] == h3.cell_to_parent(row.home_cell, 7)
    assert row.date_of_birth == date(1960, 5, 4)
    assert row.updated_at > alice.member.updated_at
    # and: stored as the matching workers read them (ISO weekdays, lower-case digest)
    assert row.availability == [
        {"weekday": 2, "from": "09:00", "to": "12:00"},
        {"weekday": 6, "from": "14:00", "to": "17:30"},
    ]
    assert row.notification_prefs == {
        "email": False,
        "in_app": True,
        "digest": "weekly",
        "quiet_from": "22:00",
        "quiet_to": "07:00",
    }
    # and: the change is audited as the member's own, naming the fields but not their values
    event = await AuditEvent.get(action="member.update_profile", actor_id=alice.member.id)
    assert event.acted_by_id is None
    assert "bio" in event.data["fields"] and "Retired" not in str(event.data)


async def test_private_fields_are_visible_only_to_the_member(
    gql: Any, hub: Any, alice: Any, bob: Any, admin: Any
) -> None:
    # given
    await gql(UPDATE_PROFILE, {"input": EVERY_FIELD}, as_=alice)
    # when: alice reads herself
    own = (await gql(MEMBER, {"id": alice.gid}, as_=alice))["node"]
    # then
    assert own["homeLocation"] == {"lat": 53.4794, "lng": -2.2453}
    assert own["dateOfBirth"] == "1960-05-04"
    assert own["email"] == alice.email
    assert own["notificationPreferences"] == {"digest": "WEEKLY"}
    # when: another member, or even a hub admin, reads her
    for viewer in (bob, admin):
        seen = (await gql(MEMBER, {"id": alice.gid}, as_=viewer))["node"]
        # then: the public profile and the coarse area, never the point, birth date or email
        assert seen["displayName"] == "Alice A." and seen["interests"] == ["gardening", "food"]
        assert seen["areaCell"] == own["areaCell"]
        assert seen["homeLocation"] is None
        assert seen["dateOfBirth"] is None
        assert seen["email"] is None
        assert seen["notificationPreferences"] is None
        assert seen["availability"] == own["availability"]
    # when: someone anonymous reads her, with the hub's header
    anonymous = (await gql(MEMBER, {"id": alice.gid}, headers={"CH-Hub": hub.slug}))["node"]
    # then: not even when she is free
    assert anonymous["displayName"] == "Alice A."
    assert anonymous["availability"] is None and anonymous["homeLocation"] is None


async def test_a_partial_update_keeps_the_other_fields_and_null_clears_the_home(
    gql: Any, alice: Any
) -> None:
    # given
    await gql(UPDATE_PROFILE, {"input": EVERY_FIELD}, as_=alice)
    before = await Member.get(id=alice.member.id)
    # when: only the bio changes
    data = await gql(UPDATE_PROFILE, {"input": {"bio": "Still gardening."}}, as_=alice)
    # then: everything else is as it was
    member = data["updateProfile"]["member"]
    assert member["bio"] == "Still gardening."
    after = await Member.get(id=alice.member.id)
    unchanged: tuple[str, ...] = ("display_name", "interests", "home_lat", "home_lng")
    unchanged += ("home_cell", "travel_km", "availability", "notification_prefs", "date_of_birth")
    assert {f: getattr(after, f) for f in unchanged} == {f: getattr(before, f) for f in unchanged}
    # when: the home and birth date are cleared with null
    data = await gql(
        UPDATE_PROFILE, {"input": {"homeLocation": None, "dateOfBirth": None}}, as_=alice
    )
    # then: both are gone, and so is the public area
    member = data["updateProfile"]["member"]
    assert (member["homeLocation"], member["areaCell"], member["dateOfBirth"]) == (None, None, None)
    row = await Member.get(id=alice.member.id)
    assert (row.home_lat, row.home_lng, row.home_cell, row.date_of_birth) == (
        None,
        None,
        None,
        None,
    )
    assert row.travel_km == 8


async def test_bad_input_is_a_typed_error_on_its_field_and_writes_nothing(
    gql: Any, alice: Any
) -> None:
    # given
    today = date.today()
    slot = {"weekday": "MON", "start": "09:00", "end": "10:00"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"displayName": "x" * 81}, "displayName"),
        ({"displayName": "   "}, "displayName"),
        ({"displayName": None}, "displayName"),
        ({"displayName": "Alice\nA."}, "displayName"),
        ({"bio": "x" * 2001}, "bio"),
        ({"interests": [f"interest {n}" for n in range(21)]}, "interests"),
        ({"interests": ["x" * 41]}, "interests"),
        ({"homeLocation": {"lat": 90.5, "lng": 0}}, "homeLocation"),
        ({"homeLocation": {"lat": 0, "lng": -181}}, "homeLocation"),
        ({"travelKm": 500}, "travelKm"),
        ({"travelKm": -1}, "travelKm"),
        ({"travelKm": None}, "travelKm"),
        ({"availability": [{**slot, "start": "9am"}]}, "availability"),
        ({"availability": [{**slot, "start": "9:00"}]}, "availability"),
        ({"availability": [{**slot, "end": "24:00"}]}, "availability"),
        ({"availability": [{**slot, "start": "11:00", "end": "10:00"}]}, "availability"),
        ({"availability": [{**slot, "end": "09:00"}]}, "availability"),
        ({"availability": [slot] * 51}, "availability"),
        ({"notificationPreferences": {"digest": None}}, "notificationPreferences"),
        ({"notificationPreferences": {"email": None}}, "notificationPreferences"),
        ({"notificationPreferences": {"quietHoursStart": "22:00"}}, "notificationPreferences"),
        (
            {"notificationPreferences": {"quietHoursStart": "22:00", "quietHoursEnd": "7am"}},
            "notificationPreferences",
        ),
        (
            {"notificationPreferences": {"quietHoursStart": "22:00", "quietHoursEnd": "22:00"}},
            "notificationPreferences",
        ),
        ({"dateOfBirth": (today + timedelta(days=1)).isoformat()}, "dateOfBirth"),
        ({"dateOfBirth": today.replace(year=today.year - 10).isoformat()}, "dateOfBirth"),
        ({"dateOfBirth": "1850-01-01"}, "dateOfBirth"),
    ]
    before = await snapshot(alice.member.hub_id)
    for changes, field in cases:
        # when
        data = await gql(UPDATE_PROFILE, {"input": {"bio": "Changed", **changes}}, as_=alice)
        # then
        payload = data["updateProfile"]
        assert payload["member"] is None, changes
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)], changes
        assert payload["errors"][0]["message"]
    # and: not even the valid bio, nor an audit event, was written
    assert await snapshot(alice.member.hub_id) == before


async def test_every_bad_field_is_reported_at_once(gql: Any, alice: Any) -> None:
    # when
    data = await gql(
        UPDATE_PROFILE,
        {
            "input": {
                "displayName": "x" * 81,
                "travelKm": 500,
                "homeLocation": {"lat": 91, "lng": 0},
            }
        },
        as_=alice,
    )
    # then
    errors = data["updateProfile"]["errors"]
    assert sorted((e["code"], e["field"]) for e in errors) == [
        ("INVALID", "displayName"),
        ("INVALID", "homeLocation"),
        ("INVALID", "travelKm"),
    ]
    assert (await Member.get(id=alice.member.id)).travel_km == 5


async def test_the_oldest_and_youngest_allowed_birth_dates(gql: Any, alice: Any) -> None:
    # given: a member who turns 13 today is allowed
    today = date.today()
    thirteen = today.replace(year=today.year - 13) if (today.month, today.day) != (2, 29) else None
    for born in filter(None, [thirteen, date(1900, 1, 1)]):
        # when
        data = await gql(UPDATE_PROFILE, {"input": {"dateOfBirth": born.isoformat()}}, as_=alice)
        # then
        assert data["updateProfile"]["errors"] == []
        assert data["updateProfile"]["member"]["dateOfBirth"] == born.isoformat()


async def test_updating_a_profile_needs_a_signed_in_member(gql: Any) -> None:
    body = await gql.raw(UPDATE_PROFILE, {"input": {"bio": "Anonymous"}})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_notification_choices_change_one_at_a_time_and_null_resets_them(
    gql: Any, alice: Any
) -> None:
    # given
    await gql(UPDATE_PROFILE, {"input": EVERY_FIELD}, as_=alice)
    # when: only the digest changes
    data = await gql(
        UPDATE_PROFILE, {"input": {"notificationPreferences": {"digest": "DAILY"}}}, as_=alice
    )
    # then: the other choices stay
    assert data["updateProfile"]["member"]["notificationPreferences"] == {
        "email": False,
        "inApp": True,
        "digest": "DAILY",
        "quietHoursStart": "22:00",
        "quietHoursEnd": "07:00",
    }
    # when: the quiet hours are cleared
    prefs = {"quietHoursStart": None, "quietHoursEnd": None}
    data = await gql(UPDATE_PROFILE, {"input": {"notificationPreferences": prefs}}, as_=alice)
    # then
    member = data["updateProfile"]["member"]
    assert member["notificationPreferences"]["quietHoursStart"] is None
    assert member["notificationPreferences"]["digest"] == "DAILY"
    # when: null resets every choice, and empties availability, interests and bio
    data = await gql(
        UPDATE_PROFILE,
        {
            "input": {
                "notificationPreferences": None,
                "availability": None,
                "interests": None,
                "bio": None,
            }
        },
        as_=alice,
    )
    # then
    member = data["updateProfile"]["member"]
    assert member["notificationPreferences"] == {
        "email": True,
        "inApp": True,
        "digest": "NONE",
        "quietHoursStart": None,
        "quietHoursEnd": None,
    }
    assert (member["availability"], member["interests"], member["bio"]) == ([], [], "")


async def test_the_edges_of_each_range_are_allowed(gql: Any, alice: Any) -> None:
    # when
    data = await gql(
        UPDATE_PROFILE,
        {
            "input": {
                "homeLocation": {"lat": -90, "lng": 180},
                "travelKm": 200,
                "bio": "x" * 2000,
                "interests": [f"{n:02}" + "x" * 38 for n in range(20)],
                "availability": [{"weekday": "SUN", "start": "00:00", "end": "23:59"}],
            }
        },
        as_=alice,
    )
    # then
    assert data["updateProfile"]["errors"] == []
    data = await gql(UPDATE_PROFILE, {"input": {"travelKm": 0}}, as_=alice)
    assert data["updateProfile"]["member"]["travelKm"] == 0


async def test_a_value_outside_the_schema_is_refused_before_anything_runs(
    gql: Any, alice: Any
) -> None:
    # given
    before = await snapshot(alice.member.hub_id)
    slot = {"weekday": "MONDAY", "start": "09:00", "end": "10:00"}
    # when: not a Weekday, not a DigestFrequency
    for changes in (
        {"availability": [slot]},
        {"notificationPreferences": {"digest": "HOURLY"}},
        {"homeLocation": {"lat": 53.0}},
    ):
        body = await gql.raw(UPDATE_PROFILE, {"input": changes}, as_=alice)
        # then: a GraphQL error, and nothing written
        assert body.get("data") is None and body["errors"], changes
    assert await snapshot(alice.member.hub_id) == before
