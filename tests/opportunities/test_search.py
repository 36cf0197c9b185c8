"""Search: text, category, skills, kind, distance, dates, organisation, urgency, sorting, paging."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.opportunities import service
from app.opportunities.models import Category, Opportunity
from schema.relay import encode_id
from tests.helpers import count_sql, create_person
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

SEARCH = """
query($filter: OpportunityFilter, $sort: OpportunitySort, $first: Int, $after: String) {
  opportunities(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor node { title distanceKm } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def titles(gql: Any, person: Any, **variables: Any) -> list[str]:
    data = await gql(SEARCH, {"first": 50, **variables}, as_=person)
    return [e["node"]["title"] for e in data["opportunities"]["edges"]]


async def test_text_search_and_relevance(gql: Any, alice: Any, post: Any) -> None:
    await post(alice, title="Garden clearance", description="Bring gloves.")
    await post(alice, title="Reading buddy", description="Help with the school garden too.")
    await post(alice, title="Fix a bike", description="Puncture repair.")
    found = await titles(gql, alice, filter={"text": "garden"}, sort="RELEVANCE")
    assert found == ["Garden clearance", "Reading buddy"]  # title beats description
    assert await titles(gql, alice, filter={"text": '"school garden"'}) == ["Reading buddy"]
    assert await titles(gql, alice, filter={"text": "garden -school"}) == ["Garden clearance"]


async def test_filters(
    gql: Any, hub: Any, alice: Any, post: Any, category: Any, skill: Any
) -> None:
    from app.organisations import service as organisations

    other = await Category.create(hub_id=hub.id, slug="transport", name="Transport")
    org = await organisations.create_organisation(
        actor=actor_of(alice), name="Riders", kind="charity"
    )
    soon = datetime.now(UTC) + timedelta(days=1)
    await post(alice, title="Job A", skill_ids=[skill.id], starts_at=soon, ends_at=None)
    await post(alice, title="Job B", category_id=other.id, kind="offer", urgency="urgent")
    await post(
        alice,
        title="Job C",
        organisation_id=org.id,
        starts_at=soon + timedelta(days=10),
        ends_at=None,
    )
    assert await titles(gql, alice, filter={"categoryIds": [gid("Category", other.id)]}) == [
        "Job B"
    ]
    assert await titles(gql, alice, filter={"skillIds": [gid("Skill", skill.id)]}) == ["Job A"]
    assert await titles(gql, alice, filter={"kind": "OFFER"}) == ["Job B"]
    assert await titles(gql, alice, filter={"urgency": "URGENT"}) == ["Job B"]
    assert await titles(gql, alice, filter={"organisationId": gid("Organisation", org.id)}) == [
        "Job C"
    ]
    window = {
        "startsAfter": soon.isoformat(),
        "startsBefore": (soon + timedelta(days=5)).isoformat(),
    }
    assert set(await titles(gql, alice, filter=window)) == {"Job A", "Job B"}  # C is later


async def test_only_open_listings_of_the_hub_appear(
    gql: Any, hub: Any, other_hub: Any, alice: Any, post: Any
) -> None:
    actor = actor_of(alice)
    await post(alice, title="Open")
    await post(alice, title="Draft", publish=False)
    closed = await post(alice, title="Closed")
    await service.close_opportunity(actor=actor, opportunity_id=closed.id)
    cancelled = await post(alice, title="Cancelled")
    await service.cancel_opportunity(actor=actor, opportunity_id=cancelled.id)
    full = await post(alice, title="Full")
    await Opportunity.filter(id=full.id).update(status="filled")
    lapsed = await post(alice, title="Lapsed")
    await Opportunity.filter(id=lapsed.id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert await titles(gql, alice) == ["Open"]
    outsider = await create_person(hub=other_hub)
    assert await titles(gql, outsider) == []


async def test_distance_from_a_point_and_from_home(gql: Any, alice: Any, post: Any) -> None:
    from app.people.profile import update_profile

    await post(alice, title="Salford", location=SALFORD)
    await post(alice, title="Leeds", location=LEEDS)
    await post(alice, title="Online", remote=True, location=None)
    near = {"near": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}, "withinKm": 5}
    data = await gql(SEARCH, {"filter": near, "sort": "NEAREST", "first": 10}, as_=alice)
    [hit] = [e["node"] for e in data["opportunities"]["edges"]]
    assert hit["title"] == "Salford" and abs(hit["distanceKm"] - 3.1) < 0.2
    wide = {"near": near["near"], "withinKm": 80}
    assert await titles(gql, alice, filter=wide, sort="NEAREST") == ["Salford", "Leeds"]
    await update_profile(actor=actor_of(alice), changes={"home": MANCHESTER})
    alice.member.home_lat, alice.member.home_lng = MANCHESTER
    assert await titles(gql, alice, filter={"nearHome": True, "withinKm": 5}) == ["Salford"]


async def test_sort_orders_and_stable_paging(gql: Any, alice: Any, post: Any) -> None:
    base = datetime.now(UTC) + timedelta(days=2)
    for n in range(7):
        await post(
            alice, title=f"Task {n}", starts_at=base + timedelta(hours=(n * 5) % 7), ends_at=None
        )
    newest = await titles(gql, alice, sort="NEWEST")
    assert newest == [f"Task {n}" for n in reversed(range(7))]
    soonest = await titles(gql, alice, sort="SOONEST")
    assert soonest == [f"Task {n}" for n in sorted(range(7), key=lambda n: (n * 5) % 7)]
    walked, after = [], None
    while True:
        page = (await gql(SEARCH, {"sort": "SOONEST", "first": 2, "after": after}, as_=alice))[
            "opportunities"
        ]
        walked += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == soonest


async def test_bad_search_input_is_a_clear_error(gql: Any, alice: Any, hub: Any) -> None:
    point = {"lat": 53.4, "lng": -2.2}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"filter": {"withinKm": 5}}, "near"),
        ({"filter": {"near": point, "withinKm": 0}}, "withinKm"),
        ({"filter": {"near": point, "withinKm": 500}}, "withinKm"),
        ({"filter": {"text": "x" * 201}}, "text"),
        ({"sort": "NEAREST"}, "sort"),
        ({"filter": {"categoryIds": [gid("Hub", hub.id)]}}, "categoryIds"),
        ({"filter": {"nearHome": True}}, "nearHome"),
    ]
    for variables, field in cases:
        body = await gql.raw(SEARCH, {"first": 5, **variables}, as_=alice)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "INVALID", (variables, error)
        assert error["extensions"]["field"] == field
        assert "Unexpected" not in error["message"]


OPPORTUNITY_PAGE = """query($n: Int!, $filter: OpportunityFilter) {
  opportunities(first: $n, filter: $filter) { edges { node {
    id title placesLeft distanceKm category { name } skills { name } organisation { name }
    poster { displayName } viewerApplication { status } location { lat } }
  } pageInfo { hasNextPage } }
  recommendedOpportunities(first: $n) { edges { node { id title skills { name } category { name } } } }
}"""


async def test_search_and_feed_run_a_bounded_number_of_statements(
    gql: Any, hub: Any, alice: Any, make_person: Any, category: Any, skill: Any
) -> None:
    bob = await make_person()
    poster = actor_of(alice)
    for n in range(105):
        await service.create_opportunity(
            actor=poster,
            publish=True,
            fields={
                "kind": "request",
                "title": f"Opportunity {n}",
                "category_id": category.id,
                "location": MANCHESTER,
                "skill_ids": [skill.id],
                "places": 2,
            },
        )
    counts = []
    for size in (5, 100):
        with count_sql() as counter:
            data = await gql(
                OPPORTUNITY_PAGE,
                {"n": size, "filter": {"near": {"lat": 53.48, "lng": -2.24}}},
                as_=bob,
            )
        assert len(data["opportunities"]["edges"]) == size
        assert len(data["recommendedOpportunities"]["edges"]) == size
        counts.append(len(counter.statements))
    assert counts[0] == counts[1], counts
