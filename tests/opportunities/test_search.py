"""Search: text, category, skills, kind, distance, dates, organisation, urgency; open listings of
the hub only; the four sort orders; stable paging; bad input as clear errors."""

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import pytest

from app.opportunities import geo, service
from app.opportunities.models import Category, Opportunity
from app.people.models import Skill
from schema.relay import encode_id
from tests.helpers import create_person
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

SEARCH = """
query Search($filter: OpportunityFilter, $sort: OpportunitySort, $first: Int, $after: String) {
  opportunities(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor node { id title distanceKm } }
    pageInfo { hasNextPage endCursor }
  }
}"""

POINT = {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def search(gql: Any, person: Any = None, headers: Any = None, **variables: Any) -> Any:
    data = await gql(SEARCH, {"first": 50, **variables}, as_=person, headers=headers)
    return [e["node"] for e in data["opportunities"]["edges"]]


async def titles(gql: Any, person: Any = None, **variables: Any) -> list[str]:
    return [node["title"] for node in await search(gql, person, **variables)]


async def walk(gql: Any, person: Any, **variables: Any) -> list[str]:
    """Every page of two, following `after`, until hasNextPage is false."""
    seen: list[str] = []
    after = None
    while True:
        data = await gql(SEARCH, {**variables, "first": 2, "after": after}, as_=person)
        page = data["opportunities"]
        assert len(page["edges"]) <= 2
        seen += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


# Text


async def test_text_matches_words_in_title_or_description_and_title_ranks_higher(
    gql: Any, alice: Any, post: Any
) -> None:
    # given
    await post(alice, title="Reading buddy", description="Help in the school garden too.")
    await post(alice, title="Garden clearance", description="Bring gloves.")
    await post(alice, title="Fix a bike", description="Puncture repair.")
    # when
    found = await titles(gql, alice, filter={"text": "garden"}, sort="RELEVANCE")
    # then: the title match comes before the (newer) description-only match
    assert found == ["Garden clearance", "Reading buddy"]
    assert await titles(gql, alice, filter={"text": "GARDEN gloves"}) == ["Garden clearance"]
    assert await titles(gql, alice, filter={"text": "puncture"}) == ["Fix a bike"]
    assert await titles(gql, alice, filter={"text": "gardening"}) == []


async def test_text_uses_websearch_syntax(gql: Any, alice: Any, post: Any) -> None:
    # given
    await post(alice, title="School garden", description="Dig the school garden beds.")
    await post(alice, title="Garden at the school", description="Weed between the rows.")
    await post(alice, title="Walk a dog", description="Twice a week.")
    # when / then: a quoted phrase, an exclusion, OR
    assert await titles(gql, alice, filter={"text": '"school garden"'}) == ["School garden"]
    assert await titles(gql, alice, filter={"text": "garden -dig"}) == ["Garden at the school"]
    assert set(await titles(gql, alice, filter={"text": "dog or weed"})) == {
        "Walk a dog",
        "Garden at the school",
    }
    # and input that is only punctuation or space matches nothing or is ignored, never fails
    assert await titles(gql, alice, filter={"text": '"-'}) == []
    assert len(await titles(gql, alice, filter={"text": "   "})) == 3


# Filters


async def test_category_skills_kind_organisation_urgency_and_dates_each_filter(
    gql: Any, hub: Any, alice: Any, post: Any, skill: Any
) -> None:
    from app.organisations import service as organisations

    # given
    transport = await Category.create(hub_id=hub.id, slug="transport", name="Transport")
    driving = await Skill.create(hub_id=hub.id, slug="driving", name="Driving")
    cooking = await Skill.create(hub_id=hub.id, slug="cooking", name="Cooking")
    riders = await organisations.create_organisation(
        actor=actor_of(alice), name="Riders", kind="charity"
    )
    day = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    await post(alice, title="Job A", skill_ids=[skill.id], starts_at=day, ends_at=None)
    await post(
        alice,
        title="Job B",
        category_id=transport.id,
        kind="offer",
        urgency="urgent",
        skill_ids=[driving.id, cooking.id],
        starts_at=day + timedelta(days=2),
        ends_at=None,
    )
    await post(
        alice,
        title="Job C",
        organisation_id=riders.id,
        skill_ids=[cooking.id],
        starts_at=day + timedelta(days=10),
        ends_at=None,
    )
    await post(alice, title="Job D", starts_at=None, ends_at=None)

    async def found(**filter: Any) -> set[str]:
        return set(await titles(gql, alice, filter=filter))

    # when / then
    assert await found(categoryIds=[gid("Category", transport.id)]) == {"Job B"}
    assert await found(skillIds=[gid("Skill", skill.id)]) == {"Job A"}
    assert await found(skillIds=[gid("Skill", skill.id), gid("Skill", driving.id)]) == {
        "Job A",
        "Job B",
    }
    assert await found(skillIds=[gid("Skill", cooking.id)]) == {
        "Job B",
        "Job C",
    }  # any of, once each
    assert await found(kind="OFFER") == {"Job B"}
    assert await found(kind="REQUEST") == {"Job A", "Job C", "Job D"}
    assert await found(urgency="URGENT") == {"Job B"}
    assert await found(organisationId=gid("Organisation", riders.id)) == {"Job C"}
    # startsAfter is inclusive, startsBefore exclusive; undated ones fall outside any range
    assert await found(startsAfter=day.isoformat()) == {"Job A", "Job B", "Job C"}
    assert await found(startsAfter=(day + timedelta(seconds=1)).isoformat()) == {"Job B", "Job C"}
    assert await found(startsBefore=(day + timedelta(days=2)).isoformat()) == {"Job A"}
    assert await found(
        startsAfter=(day + timedelta(days=1)).isoformat(),
        startsBefore=(day + timedelta(days=11)).isoformat(),
    ) == {"Job B", "Job C"}
    # filters combine with AND
    assert await found(skillIds=[gid("Skill", cooking.id)], kind="REQUEST") == {"Job C"}


async def test_only_published_unexpired_listings_of_the_viewers_hub_appear(
    gql: Any, hub: Any, other_hub: Any, alice: Any, post: Any
) -> None:
    # given
    actor = actor_of(alice)
    await post(alice, title="Open garden")
    await post(alice, title="Draft garden", publish=False)
    closed = await post(alice, title="Closed garden")
    await service.close_opportunity(actor=actor, opportunity_id=closed.id)
    cancelled = await post(alice, title="Cancelled garden")
    await service.cancel_opportunity(actor=actor, opportunity_id=cancelled.id)
    filled = await post(alice, title="Filled garden")
    await Opportunity.filter(id=filled.id).update(status="filled")
    lapsed = await post(alice, title="Lapsed garden")
    await Opportunity.filter(id=lapsed.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    expired = await post(alice, title="Expired garden")
    await Opportunity.filter(id=expired.id).update(status="expired")
    outsider = await create_person(hub=other_hub)
    await post(outsider, title="Their garden", category_id=(await _category(other_hub)).id)
    # when / then: every search shape sees only the open one
    for variables in (
        {},
        {"filter": {"text": "garden"}, "sort": "RELEVANCE"},
        {"filter": {"near": POINT, "withinKm": 5}, "sort": "NEAREST"},
        {"sort": "SOONEST"},
    ):
        assert await titles(gql, alice, **variables) == ["Open garden"], variables
        assert await titles(gql, outsider, **variables) == ["Their garden"], variables
    # and by header: anyone sees the named hub's listings; a member always sees their own hub's
    assert await titles(gql, headers={"CH-Hub": hub.slug}) == ["Open garden"]
    assert await titles(gql, headers={"CH-Hub": other_hub.slug}) == ["Their garden"]
    assert await titles(gql, alice, headers={"CH-Hub": other_hub.slug}) == ["Open garden"]
    assert await titles(gql) == []  # no hub at all


async def _category(hub: Any) -> Category:
    return await Category.create(hub_id=hub.id, slug="gardening", name="Gardening")


# Distance


async def test_distance_from_a_point_and_from_home(gql: Any, alice: Any, post: Any) -> None:
    from app.people.profile import update_profile

    # given
    await post(alice, title="Salford", location=SALFORD)
    await post(alice, title="Leeds", location=LEEDS)
    await post(alice, title="Online", remote=True, location=None)
    # when
    near = await search(gql, alice, filter={"near": POINT, "withinKm": 5}, sort="NEAREST", first=10)
    # then
    assert [n["title"] for n in near] == ["Salford"]
    assert near[0]["distanceKm"] == pytest.approx(geo.distance_km(*MANCHESTER, *SALFORD), abs=0.1)
    wide = await search(gql, alice, filter={"near": POINT, "withinKm": 80}, sort="NEAREST")
    assert [n["title"] for n in wide] == ["Salford", "Leeds"]
    assert wide[1]["distanceKm"] == pytest.approx(geo.distance_km(*MANCHESTER, *LEEDS), abs=0.1)
    # a point without a radius measures but does not filter (remote ones have no distance)
    measured = await search(gql, alice, filter={"near": POINT}, sort="NEAREST")
    assert [(n["title"], n["distanceKm"] is None) for n in measured] == [
        ("Salford", False),
        ("Leeds", False),
        ("Online", True),
    ]
    assert all(n["distanceKm"] is None for n in await search(gql, alice))
    # when measured from the member's home in Leeds
    await update_profile(actor=actor_of(alice), changes={"home": LEEDS})
    home = await search(gql, alice, filter={"nearHome": True, "withinKm": 5})
    # then
    assert [(n["title"], n["distanceKm"]) for n in home] == [("Leeds", 0)]
    home = await search(gql, alice, filter={"nearHome": True, "withinKm": 80}, sort="NEAREST")
    assert [n["title"] for n in home] == ["Leeds", "Salford"]
    assert home[1]["distanceKm"] == pytest.approx(geo.distance_km(*LEEDS, *SALFORD), abs=0.1)


@pytest.mark.parametrize("km", [2, 5, 9, 50, 120])
async def test_distance_finds_every_listing_just_inside_the_radius_and_none_outside(
    gql: Any, alice: Any, post: Any, km: float
) -> None:
    # given: listings just inside and just outside the radius all around the point
    for bearing in range(0, 360, 30):
        await post(alice, title=f"in {bearing}", location=towards(MANCHESTER, bearing, km * 0.98))
        await post(alice, title=f"out {bearing}", location=towards(MANCHESTER, bearing, km * 1.02))
    # when
    found = await titles(gql, alice, filter={"near": POINT, "withinKm": km}, first=100)
    # then
    assert sorted(found) == sorted(f"in {b}" for b in range(0, 360, 30))


def test_the_cell_ring_covers_the_whole_radius_anywhere_on_earth() -> None:
    # given: random origins (pentagon cells included) and radii up to the maximum
    rng = random.Random(11)
    origins = [(rng.uniform(-85, 85), rng.uniform(-180, 180)) for _ in range(300)]
    origins += [h3.cell_to_latlng(p) for p in h3.get_pentagons(8)]
    resolution = {"cell8": 8, "cell6": 6, "cell4": 4}
    for lat, lng in origins:
        km = rng.choice([0.3, 1, 3, 5, 7, 10, 30, 50, 90, 150, geo.MAX_KM])
        # when
        ring = geo.ring(lat, lng, km)
        cells = set(ring.cells)
        # then: every point at the radius lies in one of the ring's cells
        for bearing in range(0, 360, 15):
            point = towards((lat, lng), bearing, km * 0.999)
            assert h3.latlng_to_cell(*point, resolution[ring.column]) in cells, (lat, lng, km)
        assert len(cells) <= 469


def test_a_feed_bands_cells_hold_every_point_between_its_edges_anywhere_on_earth() -> None:
    # given: random homes (pentagon cells included) and the feed's bands (inner, outer edge)
    rng = random.Random(12)
    origins = [(rng.uniform(-85, 85), rng.uniform(-180, 180)) for _ in range(60)]
    origins += [h3.cell_to_latlng(p) for p in h3.get_pentagons(8)]
    bands = [(-1.0, 1.0, 8), (1.0, 2.0, 8), (2.0, 5.0, 8), (5.0, 10.0, 6), (50.0, 200.0, 4)]
    for lat, lng in origins:
        for inner, outer, resolution in bands:
            # when
            cells = set(geo.cells_between(lat, lng, inner, outer, resolution))
            # then: fewer cells than the whole ring, and every point of the band in one of them
            assert cells < set(geo.cells_within(lat, lng, outer, resolution)) or inner < 0
            edges = [outer * 0.9999] * 12 + [max(inner, 0.0) * 1.0001 + 1e-6] * 12
            for km in edges + [rng.uniform(max(inner, 0.0), outer) for _ in range(24)]:
                point = towards((lat, lng), rng.uniform(0, 360), km)
                if inner < geo.distance_km(lat, lng, *point) <= outer:
                    assert h3.latlng_to_cell(*point, resolution) in cells, (lat, lng, km)


def towards(origin: tuple[float, float], bearing: float, km: float) -> tuple[float, float]:
    """The point `km` from `origin` along the initial `bearing` (degrees) on the sphere."""
    lat, lng, theta, delta = (
        math.radians(origin[0]),
        math.radians(origin[1]),
        math.radians(bearing),
        km / geo.EARTH_KM,
    )
    lat2 = math.asin(
        math.sin(lat) * math.cos(delta) + math.cos(lat) * math.sin(delta) * math.cos(theta)
    )
    lng2 = lng + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(lat),
        math.cos(delta) - math.sin(lat) * math.sin(lat2),
    )
    return math.degrees(lat2), (math.degrees(lng2) + 540) % 360 - 180


# Sort orders and paging


async def test_sort_orders_break_ties_by_id_and_paging_gives_each_once_in_order(
    gql: Any, alice: Any, post: Any
) -> None:
    # given: seven listings with ties in every sort key
    base = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    published = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    places = [MANCHESTER, SALFORD, MANCHESTER, LEEDS, SALFORD, MANCHESTER, SALFORD]
    published_minute = [1, 0, 1, 2, 0, 2, 1]  # publication minute: not in the order of creation
    rows = []
    for n in range(7):
        rows.append(
            await post(
                alice,
                title=f"Task {n}" + (" garden" if n % 3 == 0 else ""),
                description="garden" if n % 3 and n % 2 else "",
                location=places[n],
                starts_at=base + timedelta(hours=n % 3),
                ends_at=None,
            )
        )
        await Opportunity.filter(id=rows[-1].id).update(
            published_at=published + timedelta(minutes=published_minute[n])
        )
    by_id = {o.id: o for o in rows}
    distance = {o.id: geo.distance_km(*MANCHESTER, o.lat, o.lng) for o in rows}

    def titles_of(ids: list[int]) -> list[str]:
        return [by_id[i].title for i in ids]

    def minute(i: int) -> int:
        return published_minute[rows.index(by_id[i])]

    ids = list(by_id)
    expected = {
        "NEWEST": titles_of(sorted(ids, key=lambda i: (-minute(i), -i))),
        "SOONEST": titles_of(sorted(ids, key=lambda i: (by_id[i].starts_at, i))),
        "NEAREST": titles_of(sorted(ids, key=lambda i: (round(distance[i], 6), i))),
    }
    garden = [i for i in ids if "garden" in by_id[i].title or by_id[i].description]
    in_title = [i for i in garden if "garden" in by_id[i].title]
    expected["RELEVANCE"] = titles_of(
        sorted(in_title, key=lambda i: (-minute(i), -i))
        + sorted(set(garden) - set(in_title), key=lambda i: (-minute(i), -i))
    )
    filters = {
        "NEWEST": {},
        "SOONEST": {},
        "NEAREST": {"near": POINT},
        "RELEVANCE": {"text": "garden"},
    }
    for sort, filter in filters.items():
        # when
        one_page = await titles(gql, alice, sort=sort, filter=filter)
        walked = await walk(gql, alice, sort=sort, filter=filter)
        # then
        assert one_page == expected[sort], sort
        assert walked == expected[sort], sort


async def test_relevance_without_text_is_newest_first(gql: Any, alice: Any, post: Any) -> None:
    # given
    for n in range(3):
        await post(alice, title=f"Task {n}")
    # when / then
    assert await titles(gql, alice, sort="RELEVANCE") == ["Task 2", "Task 1", "Task 0"]


# Bad input


async def test_bad_input_is_a_clear_error_never_an_internal_one(
    gql: Any, alice: Any, hub: Any, category: Any
) -> None:
    # given
    point = {"lat": 53.4, "lng": -2.2}
    cases: list[tuple[dict[str, Any], str, str | None]] = [
        ({"filter": {"withinKm": 5}}, "INVALID", "near"),
        ({"filter": {"near": point, "withinKm": 0}}, "INVALID", "withinKm"),
        ({"filter": {"near": point, "withinKm": -1}}, "INVALID", "withinKm"),
        ({"filter": {"near": point, "withinKm": 500}}, "INVALID", "withinKm"),
        ({"filter": {"near": {"lat": 91, "lng": 0}}}, "INVALID", "near"),
        ({"filter": {"text": "x" * 201}}, "INVALID", "text"),
        ({"sort": "NEAREST"}, "INVALID", "sort"),
        ({"filter": {"nearHome": True}}, "INVALID", "nearHome"),  # no home set
        ({"filter": {"categoryIds": [gid("Hub", hub.id)]}}, "INVALID", "categoryIds"),
        ({"filter": {"skillIds": ["not-an-id"]}}, "INVALID", "skillIds"),
        (
            {"filter": {"organisationId": gid("Category", category.id)}},
            "INVALID",
            "organisationId",
        ),
        ({"filter": {"skillIds": [gid("Skill", n) for n in range(51)]}}, "INVALID", None),
        ({"after": "bm90IGEgY3Vyc29y"}, "BAD_USER_INPUT", None),
        ({"first": 101}, "BAD_USER_INPUT", None),  # over the maximum page size
        ({"first": -1}, "BAD_USER_INPUT", None),
    ]
    for variables, code, field in cases:
        # when
        body = await gql.raw(SEARCH, {"first": 5, **variables}, as_=alice)
        # then
        assert body["data"] is None, variables
        [error] = body["errors"]
        assert error["extensions"]["code"] == code, (variables, error)
        assert error["extensions"].get("field") == field, (variables, error)
        assert error["path"] == ["opportunities"]
    # a type error in the document itself is a validation error, before any resolver runs
    body = await gql.raw(SEARCH, {"first": 5, "filter": {"withinKm": "far"}}, as_=alice)
    assert "INTERNAL_SERVER_ERROR" not in str(body["errors"])
