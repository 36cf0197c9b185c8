"""Finding assets: text, kind, category, owner, distance from a point or home, and free in a
time range (no overlapping booking, inside the opening hours of the hub's local day, within
the length limits and the notice); listed assets of the viewer's hub only; stable paging."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.assets.models import AssetCategory
from app.assets.sharing_models import Booking
from app.opportunities import geo
from app.organisations import service as organisations
from app.people.models import Role
from tests.assets.conftest import LEEDS, MANCHESTER, SALFORD, actor_of, gid
from tests.helpers import Person, create_person, next_weekday

SEARCH = """
query Search($filter: AssetFilter, $sort: AssetSort, $first: Int, $after: String) {
  assets(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { id title distanceKm } }
    pageInfo { hasNextPage endCursor }
  }
}"""
POINT = {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}
LONDON = ZoneInfo("Europe/London")


async def titles(gql: Any, person: Any = None, headers: Any = None, **variables: Any) -> list[str]:
    data = await gql(SEARCH, {"first": 50, **variables}, as_=person, headers=headers)
    return [e["node"]["title"] for e in data["assets"]["edges"]]


def local_range(day: date, start: str, end: str) -> dict[str, str]:
    """{startsAt, endsAt} of wall-clock times on `day` in the hub's zone, as UTC instants."""
    starts = datetime.combine(day, time.fromisoformat(start), LONDON)
    ends = datetime.combine(day, time.fromisoformat(end), LONDON)
    if ends <= starts:
        ends += timedelta(days=1)
    return {
        "startsAt": starts.astimezone(UTC).isoformat(),
        "endsAt": ends.astimezone(UTC).isoformat(),
    }


# Text and filters


async def test_text_matches_title_area_and_description_and_title_ranks_first(
    gql: Any, alice: Person, list_asset: Any
) -> None:
    await list_asset(alice, title="Filing cabinet", description="Grey, four drawers, a desk key.")
    await list_asset(alice, title="Standing desk", description="Electric.")
    await list_asset(alice, title="Sofa", area_name="Desk Street")
    await list_asset(alice, title="Bike", description="Needs a new chain.")
    found = await titles(gql, alice, filter={"text": "desk"}, sort="RELEVANCE")
    assert found == ["Standing desk", "Sofa", "Filing cabinet"]
    assert await titles(gql, alice, filter={"text": "desk -electric"}) == ["Sofa", "Filing cabinet"]
    assert await titles(gql, alice, filter={"text": '"new chain"'}) == ["Bike"]


async def test_kind_category_and_owner_each_filter(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: AssetCategory
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Repair Cafe", kind="charity"
    )
    books = await AssetCategory.get(hub_id=hub.id, slug="books")
    await list_asset(alice, title="Desk")
    await list_asset(alice, title="Novels", category_id=books.id, kind="giveaway")
    await list_asset(alice, title="Drill", kind="loan", organisation_id=charity.id)
    await list_asset(
        admin,
        title="Town hall",
        kind="bookable",
        category_id=spaces.id,
        for_hub=True,
        roles=(Role.HUB_ADMIN,),
    )

    async def found(**filter: Any) -> set[str]:
        return set(await titles(gql, alice, filter=filter))

    # when / then
    assert await found(kind="LOAN") == {"Drill"}
    assert await found(kind="GIVEAWAY") == {"Desk", "Novels"}
    assert await found(assetCategoryIds=[gid("AssetCategory", books.id)]) == {"Novels"}
    assert await found(
        assetCategoryIds=[gid("AssetCategory", books.id), gid("AssetCategory", spaces.id)]
    ) == {"Novels", "Town hall"}
    assert await found(ownerOrganisationId=gid("Organisation", charity.id)) == {"Drill"}
    assert await found(ownerKind="HUB") == {"Town hall"}
    assert await found(ownerKind="MEMBER") == {"Desk", "Novels"}
    assert await found(kind="GIVEAWAY", assetCategoryIds=[gid("AssetCategory", books.id)]) == {
        "Novels"
    }


async def test_only_listed_assets_of_the_viewers_hub_appear(
    gql: Any, hub: Any, other_hub: Any, alice: Person, list_asset: Any
) -> None:
    from app.assets import service

    # given
    await list_asset(alice, title="Listed desk")
    await list_asset(alice, title="Draft desk", publish=False)
    gone = await list_asset(alice, title="Withdrawn desk")
    await service.withdraw_asset(actor=actor_of(alice), asset_id=gone.id)
    outsider = await create_person(hub=other_hub)
    theirs = await AssetCategory.get(hub_id=other_hub.id, slug="furniture")
    await list_asset(outsider, title="Their desk", category_id=theirs.id)
    # when / then: every search shape sees only the listed one
    for variables in (
        {},
        {"filter": {"text": "desk"}, "sort": "RELEVANCE"},
        {"filter": {"near": POINT, "withinKm": 5}, "sort": "NEAREST"},
        {"filter": {"kind": "GIVEAWAY"}},
    ):
        assert await titles(gql, alice, **variables) == ["Listed desk"], variables
        assert await titles(gql, outsider, **variables) == ["Their desk"], variables
    assert await titles(gql, headers={"CH-Hub": hub.slug}) == ["Listed desk"]
    assert await titles(gql) == []  # no hub at all


async def test_paging_walks_every_asset_once_in_order(
    gql: Any, alice: Person, list_asset: Any
) -> None:
    for n in range(7):
        await list_asset(alice, title=f"Chair {n}")
    seen, after = [], None
    while True:
        data = await gql(SEARCH, {"first": 2, "after": after}, as_=alice)
        seen += [e["node"]["title"] for e in data["assets"]["edges"]]
        if not data["assets"]["pageInfo"]["hasNextPage"]:
            break
        after = data["assets"]["pageInfo"]["endCursor"]
    assert seen == [f"Chair {n}" for n in reversed(range(7))]  # newest first


# Distance


async def test_distance_from_a_point_and_from_home(
    gql: Any, alice: Person, list_asset: Any
) -> None:
    from app.people.profile import update_profile

    # given
    await list_asset(alice, title="Salford", location=SALFORD)
    await list_asset(alice, title="Leeds", location=LEEDS)
    await list_asset(alice, title="Manchester", location=MANCHESTER)
    # when
    near = (
        await gql(
            SEARCH,
            {"first": 10, "filter": {"near": POINT, "withinKm": 5}, "sort": "NEAREST"},
            as_=alice,
        )
    )["assets"]["edges"]
    # then
    assert [n["node"]["title"] for n in near] == ["Manchester", "Salford"]
    assert near[1]["node"]["distanceKm"] == pytest.approx(
        geo.distance_km(*MANCHESTER, *SALFORD), abs=0.1
    )
    wide = await titles(gql, alice, filter={"near": POINT, "withinKm": 80}, sort="NEAREST")
    assert wide == ["Manchester", "Salford", "Leeds"]
    # measured from home in Leeds
    await update_profile(actor=actor_of(alice), changes={"home": LEEDS})
    assert await titles(gql, alice, filter={"nearHome": True, "withinKm": 5}) == ["Leeds"]
    home = await titles(gql, alice, filter={"nearHome": True, "withinKm": 80}, sort="NEAREST")
    assert home == ["Leeds", "Manchester", "Salford"]


@pytest.mark.parametrize("km", [2, 9, 50])
async def test_distance_finds_every_asset_just_inside_the_radius_and_none_outside(
    gql: Any, alice: Person, list_asset: Any, km: float
) -> None:
    from tests.opportunities.test_search import towards

    for bearing in range(0, 360, 45):
        await list_asset(
            alice, title=f"in {bearing}", location=towards(MANCHESTER, bearing, km * 0.98)
        )
        await list_asset(
            alice, title=f"out {bearing}", location=towards(MANCHESTER, bearing, km * 1.02)
        )
    found = await titles(gql, alice, filter={"near": POINT, "withinKm": km}, first=100)
    assert sorted(found) == sorted(f"in {b}" for b in range(0, 360, 45))


# Free in a time range


@pytest.fixture
def room(alice: Person, list_asset: Any, spaces: AssetCategory) -> Any:
    async def make(title: str, **fields: Any) -> Any:
        return await list_asset(
            alice, kind="bookable", title=title, category_id=spaces.id, **fields
        )

    return make


async def _booked(asset: Any, person: Person, slot: dict[str, str], status: str) -> None:
    await Booking.create(
        hub_id=asset.hub_id,
        asset_id=asset.id,
        booker_id=person.member.id,
        starts_at=datetime.fromisoformat(slot["startsAt"]),
        ends_at=datetime.fromisoformat(slot["endsAt"]),
        status=status,
    )


TUESDAY_HOURS = [{"weekday": 2, "from": "09:00", "to": "17:30"}]


async def test_a_space_free_on_tuesday_afternoon(
    gql: Any, alice: Person, list_asset: Any, room: Any
) -> None:
    # given: rooms, and bookings around Tuesday 14:00-16:00 (local time)
    tuesday = next_weekday(1) + timedelta(days=7)  # at least a week ahead
    await room("Open all hours")
    await room("Open Tuesdays", opening_hours=TUESDAY_HOURS)
    await room("Mornings only", opening_hours=[{"weekday": 2, "from": "09:00", "to": "12:00"}])
    await room("Wednesdays only", opening_hours=[{"weekday": 3, "from": "09:00", "to": "17:30"}])
    await room("Three hours at least", min_minutes=180)
    await room("One hour at most", max_minutes=60)
    await room("A month's notice", notice_minutes=30 * 24 * 60)
    taken = await room("Taken 15:00-17:00")
    await _booked(taken, alice, local_range(tuesday, "15:00", "17:00"), "confirmed")
    asked = await room("Asked for 13:00-14:30")
    await _booked(asked, alice, local_range(tuesday, "13:00", "14:30"), "pending")
    touching = await room("Taken 12:00-14:00 and 16:00-17:00")
    await _booked(touching, alice, local_range(tuesday, "12:00", "14:00"), "confirmed")
    await _booked(touching, alice, local_range(tuesday, "16:00", "17:00"), "checked_in")
    cancelled = await room("Cancelled 14:00-16:00")
    await _booked(cancelled, alice, local_range(tuesday, "14:00", "16:00"), "cancelled")
    await list_asset(alice, title="A desk to give away")  # not bookable
    # when
    free = await titles(gql, alice, filter={"free": local_range(tuesday, "14:00", "16:00")})
    # then: the overlapping, closed, too long, too short and too soon ones are left out
    assert set(free) == {
        "Open all hours",
        "Open Tuesdays",
        "Taken 12:00-14:00 and 16:00-17:00",
        "Cancelled 14:00-16:00",
    }
    # the same rooms for an hour that evening: the ones without opening hours that allow it
    evening = await titles(gql, alice, filter={"free": local_range(tuesday, "18:00", "19:00")})
    assert set(evening) == {
        "Open all hours",
        "One hour at most",
        "Taken 15:00-17:00",
        "Asked for 13:00-14:30",
        "Taken 12:00-14:00 and 16:00-17:00",
        "Cancelled 14:00-16:00",
    }
    # combined with distance and text
    near = {"near": POINT, "withinKm": 2, "text": "tuesdays"}
    assert await titles(
        gql, alice, filter={"free": local_range(tuesday, "14:00", "16:00"), **near}
    ) == ["Open Tuesdays"]


def _next(month: int, weekday: int) -> date:
    """The first such weekday (Monday 0) in `month`, within the coming year or so."""
    today = date.today()
    year = today.year + (1 if (month, 1) <= (today.month, today.day) else 0)
    day = date(year, month, 1)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


async def test_opening_hours_are_the_hubs_wall_clock_in_summer_and_in_winter(
    gql: Any, alice: Person, room: Any
) -> None:
    # given: open on Tuesdays 14:00-16:00 London time (UTC+1 in July, UTC+0 in January)
    await room("Two to four", opening_hours=[{"weekday": 2, "from": "14:00", "to": "16:00"}])
    for day in (_next(7, 1), _next(1, 1)):
        # when: exactly the window, in local time (as instants)
        exact = await titles(gql, alice, filter={"free": local_range(day, "14:00", "16:00")})
        # and 14:00-16:00 read as UTC: in July that is 15:00-17:00 in London
        as_utc = {
            "startsAt": datetime.combine(day, time(14), UTC).isoformat(),
            "endsAt": datetime.combine(day, time(16), UTC).isoformat(),
        }
        naive = await titles(gql, alice, filter={"free": as_utc})
        # then
        assert exact == ["Two to four"], day
        assert naive == ([] if day.month == 7 else ["Two to four"]), day


async def test_a_window_to_midnight_and_a_range_across_midnight(
    gql: Any, alice: Person, room: Any
) -> None:
    # given
    await room("Late on Saturdays", opening_hours=[{"weekday": 6, "from": "18:00", "to": "24:00"}])
    await room("Always open")
    saturday = next_weekday(5) + timedelta(days=7)
    # when / then: up to midnight fits the window; past midnight only the always-open room
    late = await titles(gql, alice, filter={"free": local_range(saturday, "22:00", "00:00")})
    assert set(late) == {"Late on Saturdays", "Always open"}
    across = await titles(gql, alice, filter={"free": local_range(saturday, "23:00", "01:00")})
    assert across == ["Always open"]
