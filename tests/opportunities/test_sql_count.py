"""Search and the feed run the same small number of SQL statements for 5 and for 100 results."""

import uuid
from typing import Any

import pytest

from app.auth import service as auth
from app.hubs import service as hubs
from app.opportunities import applications, service
from app.opportunities.models import Category
from app.organisations import service as organisations
from app.people import profile, skills
from app.people.models import Skill
from tests.helpers import count_sql, create_person
from tests.opportunities.conftest import MANCHESTER, SALFORD, actor_of

NODE = """
  id title placesLeft distanceKm category { name } skills { name } organisation { name }
  poster { displayName } viewerApplication { status }"""
SEARCH = f"""
query Search($first: Int!, $filter: OpportunityFilter, $sort: OpportunitySort) {{
  opportunities(first: $first, filter: $filter, sort: $sort) {{
    edges {{ node {{ {NODE} }} }}
    pageInfo {{ hasNextPage }}
  }}
}}"""
FEED = f"""
query Feed($first: Int!) {{
  recommendedOpportunities(first: $first) {{
    edges {{ node {{ {NODE} }} }}
    pageInfo {{ hasNextPage }}
  }}
}}"""
# Today: none to authenticate (a token seen before, app/auth/cache.py), 2 for the page (ids
# in order, rows), 6 batches (category, skills, skill names, organisation, poster, the
# viewer's applications) and, for the feed, 1 for the member's valid checks.
MAX_STATEMENTS = 12


@pytest.fixture(scope="module")
async def listings() -> Any:
    """110 open listings by two posters, in three categories, with skills and organisations;
    Bob lives in Manchester, knows one of the skills, and applied to the five newest."""
    hub = await hubs.create_hub(name="Counting hub", slug=f"count-{uuid.uuid4().hex[:8]}")
    alice = await create_person(hub=hub, display_name="Alice")
    carol = await create_person(hub=hub, display_name="Carol")
    bob = await create_person(hub=hub, display_name="Bob")
    await profile.update_profile(actor=actor_of(bob), changes={"home": MANCHESTER, "travel_km": 10})
    categories = [
        await Category.create(hub_id=hub.id, slug=f"c{n}", name=f"Category {n}") for n in range(3)
    ]
    skill_ids = [
        (await Skill.create(hub_id=hub.id, slug=f"s{n}", name=f"Skill {n}")).id for n in range(3)
    ]
    await skills.set_member_skills(actor=actor_of(bob), skill_ids=skill_ids[:1])
    organisation_of = {}
    for person in (alice, carol):
        org = await organisations.create_organisation(
            actor=actor_of(person), name=f"{person.member.display_name}'s group", kind="charity"
        )
        organisation_of[person.member.id] = org.id
    created = []
    for n in range(110):
        poster = (alice, carol)[n % 2]
        created.append(
            await service.create_opportunity(
                actor=actor_of(poster),
                publish=True,
                fields={
                    "kind": "request",
                    "title": f"Opportunity {n}",
                    "category_id": categories[n % 3].id,
                    "location": (MANCHESTER, SALFORD)[n % 2],
                    "skill_ids": skill_ids[: n % 3 + 1],
                    "organisation_id": organisation_of[poster.member.id] if n % 3 else None,
                    "places": 3,
                },
            )
        )
    for opportunity in created[-5:]:
        await applications.apply(actor=actor_of(bob), opportunity_id=opportunity.id)
    return bob


async def statements(gql: Any, viewer: Any, query: str, **variables: Any) -> tuple[int, Any]:
    await auth.authenticate(viewer.token)  # seen before, as an app's token is (no statement)
    with count_sql() as counter:
        data = await gql(query, variables, as_=viewer)
    return len(counter.statements), data


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("newest", {}),
        ("near a point", {"filter": {"near": {"lat": 53.48, "lng": -2.24}, "withinKm": 10}}),
        ("text", {"filter": {"text": "opportunity"}, "sort": "RELEVANCE"}),
    ],
)
async def test_search_runs_the_same_few_statements_for_5_and_100_results(
    gql: Any, listings: Any, name: str, variables: dict[str, Any]
) -> None:
    bob = listings
    # when
    small, five = await statements(gql, bob, SEARCH, first=5, **variables)
    large, hundred = await statements(gql, bob, SEARCH, first=100, **variables)
    # then
    for data, size in ((five, 5), (hundred, 100)):
        page = data["opportunities"]
        assert len(page["edges"]) == size
        assert page["pageInfo"]["hasNextPage"] is True
    nodes = hundred["opportunities"]["edges"]
    assert {n["node"]["poster"]["displayName"] for n in nodes} == {"Alice", "Carol"}
    assert sum(n["node"]["viewerApplication"] is not None for n in nodes) == 5
    assert all(n["node"]["skills"] for n in nodes)
    assert small == large <= MAX_STATEMENTS, (small, large)


async def test_feed_runs_the_same_few_statements_for_5_and_100_results(
    gql: Any, listings: Any
) -> None:
    bob = listings
    # when
    small, five = await statements(gql, bob, FEED, first=5)
    large, hundred = await statements(gql, bob, FEED, first=100)
    # then
    for data, size in ((five, 5), (hundred, 100)):
        page = data["recommendedOpportunities"]
        assert len(page["edges"]) == size
        assert page["pageInfo"]["hasNextPage"] is True
    assert {
        e["node"]["category"]["name"] for e in hundred["recommendedOpportunities"]["edges"]
    } == {
        "Category 0",
        "Category 1",
        "Category 2",
    }
    assert small == large <= MAX_STATEMENTS, (small, large)
