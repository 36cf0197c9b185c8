"""Connections below a list (each opportunity's applications and hours to verify) run the
same statements for 5 and for 40 opportunities on the interpreter (the path OAuth tokens and
uncompiled documents take), and page as they did one parent at a time."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from app.auth import service as auth
from app.config import get_settings
from app.hubs import service as hubs
from app.opportunities import applications, service
from app.opportunities.models import Category
from tests.helpers import count_sql, create_person
from tests.opportunities.conftest import MANCHESTER, actor_of

LIST = """
query Mine($first: Int!, $after: String) {
  myOpportunities(first: $first) { edges { node {
    title
    applications(first: 2, after: $after) {
      edges { cursor node { applicant { displayName } } }
      pageInfo { hasNextPage hasPreviousPage }
    }
    hoursToVerify(first: 2) { edges { node { minutes } } }
  } } }
}"""


@pytest.fixture
def interpreted() -> Iterator[None]:
    settings = get_settings()
    settings.compile_reads = False
    try:
        yield
    finally:
        settings.compile_reads = True


@pytest.fixture(scope="module")
async def posts() -> Any:
    """Alice's 40 opportunities with 3, 1 and 0 applicants in turn (14, 13 and 13 of them)."""
    hub = await hubs.create_hub(name="Nested hub", slug=f"nested-{uuid.uuid4().hex[:8]}")
    alice = await create_person(hub=hub, display_name="Alice")
    people = [await create_person(hub=hub, display_name=f"Volunteer {n}") for n in range(3)]
    category = await Category.create(hub_id=hub.id, slug="garden", name="Garden")
    for n in range(40):
        opportunity = await service.create_opportunity(
            actor=actor_of(alice),
            publish=True,
            fields={
                "kind": "request",
                "title": f"Opportunity {n:02}",
                "category_id": category.id,
                "location": MANCHESTER,
                "places": 5,
            },
        )
        for person in people[: (3, 1, 0)[n % 3]]:
            await applications.apply(actor=actor_of(person), opportunity_id=opportunity.id)
    return alice


async def _run(gql: Any, alice: Any, **variables: Any) -> tuple[int, Any]:
    await auth.authenticate(alice.token)
    with count_sql() as counter:
        data = await gql(LIST, variables, as_=alice)
    return len(counter.statements), data


@pytest.mark.usefixtures("interpreted")
async def test_nested_connections_run_the_same_statements_for_5_and_40_parents(
    gql: Any, posts: Any
) -> None:
    # when
    small, five = await _run(gql, posts, first=5)
    large, forty = await _run(gql, posts, first=40)
    # then: one statement per nested connection, not one per opportunity
    assert small == large, (small, large)
    assert len(five["myOpportunities"]["edges"]) == 5
    nodes = [e["node"] for e in forty["myOpportunities"]["edges"]]
    assert len(nodes) == 40
    counts = sorted(len(n["applications"]["edges"]) for n in nodes)
    assert (counts.count(2), counts.count(1), counts.count(0)) == (14, 13, 13)
    for node in nodes:
        page = node["applications"]
        names = [e["node"]["applicant"]["displayName"] for e in page["edges"]]
        # in the order they applied, the first two; a third means a next page
        assert names == ["Volunteer 0", "Volunteer 1"][: len(names)]
        assert page["pageInfo"] == {
            "hasNextPage": len(names) == 2,
            "hasPreviousPage": False,
        }
        assert node["hoursToVerify"] == {"edges": []}


@pytest.mark.usefixtures("interpreted")
async def test_a_cursor_pages_each_parents_rows_from_its_offset(gql: Any, posts: Any) -> None:
    # given: the cursor of each list's second row
    _, first_page = await _run(gql, posts, first=40)
    full = [
        e["node"]
        for e in first_page["myOpportunities"]["edges"]
        if len(e["node"]["applications"]["edges"]) == 2
    ]
    after = full[0]["applications"]["edges"][1]["cursor"]
    # when
    _, second_page = await _run(gql, posts, first=40, after=after)
    # then: where there were three applicants, the third, and nothing after it
    pages = {
        e["node"]["title"]: e["node"]["applications"]
        for e in second_page["myOpportunities"]["edges"]
    }
    for node in full:
        page = pages[node["title"]]
        assert [e["node"]["applicant"]["displayName"] for e in page["edges"]] == ["Volunteer 2"]
        assert page["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
