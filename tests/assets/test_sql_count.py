"""Asset search and the viewer's own list run the same small number of SQL statements for 5
and for 100 results (no N+1): relations come through DataLoaders, policy checks in batches."""

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.assets import service
from app.assets.models import AssetCategory
from app.auth import service as auth
from app.hubs import service as hubs
from app.organisations import service as organisations
from app.people import profile
from tests.assets.conftest import MANCHESTER, SALFORD, actor_of
from tests.helpers import count_sql, create_person, next_weekday

NODE = """
  id title distanceKm category { name } ownerMember { displayName } ownerOrganisation { name }
  viewerCanManage location { lat } address openingHours { weekday }"""
SEARCH = f"""
query Search($first: Int!, $filter: AssetFilter, $sort: AssetSort) {{
  assets(first: $first, filter: $filter, sort: $sort) {{
    edges {{ node {{ {NODE} }} }}
    pageInfo {{ hasNextPage }}
  }}
}}"""
MINE = f"""
query Mine($first: Int!) {{
  myAssets(first: $first) {{ edges {{ node {{ {NODE} }} }} pageInfo {{ hasNextPage }} }}
}}"""
# Today: 2 to authenticate (token with member, roles), 1 for the page (ids in order and rows in
# one statement), 3 batches (categories, member owners, organisation owners), and the policy's
# batches: the viewer's links to the owner organisations, once for viewerCanManage (MANAGES)
# and once for the private fields (PARTICIPATES, one batch for all three), and for the rows the
# viewer does not manage one each for a chosen giveaway request, an agreed loan, a confirmed
# booking (the accepted counterparts): 11, whatever the page size.
MAX_STATEMENTS = 11


@pytest.fixture(scope="module")
async def listings() -> Any:
    """110 listed bookable rooms by two members, in three categories, half for organisations;
    Bob lives in Manchester and staffs one of the organisations."""
    hub = await hubs.create_hub(name="Counting hub", slug=f"count-{uuid.uuid4().hex[:8]}")
    alice = await create_person(hub=hub, display_name="Alice")
    carol = await create_person(hub=hub, display_name="Carol")
    bob = await create_person(hub=hub, display_name="Bob")
    await profile.update_profile(actor=actor_of(bob), changes={"home": MANCHESTER, "travel_km": 10})
    categories = [
        c.id
        for c in await AssetCategory.filter(
            hub_id=hub.id, slug__in=["spaces", "it-equipment", "tools"]
        )
    ]
    organisation_of = {}
    for person in (alice, carol):
        org = await organisations.create_organisation(
            actor=actor_of(person), name=f"{person.member.display_name}'s group", kind="charity"
        )
        organisation_of[person.member.id] = org.id
    await organisations.add_member(
        actor=actor_of(alice),
        organisation_id=organisation_of[alice.member.id],
        member_id=bob.member.id,
        role="staff",
    )
    for n in range(110):
        owner = (alice, carol)[n % 2]
        await service.create_asset(
            actor=actor_of(owner),
            publish=True,
            organisation_id=organisation_of[owner.member.id] if n % 2 == 0 else None,
            fields={
                "kind": "bookable",
                "title": f"Room {n}",
                "category_id": categories[n % 3],
                "location": (MANCHESTER, SALFORD)[n // 2 % 2],  # both owners in each place
                "opening_hours": [{"weekday": 2, "from": "09:00", "to": "18:00"}],
            },
        )
    return bob


async def statements(gql: Any, viewer: Any, query: str, **variables: Any) -> tuple[int, Any]:
    await auth.authenticate(viewer.token)  # seen before, as an app's token is (no statement)
    with count_sql() as counter:
        data = await gql(query, variables, as_=viewer)
    return len(counter.statements), data


def _tuesday_afternoon() -> dict[str, str]:
    day = next_weekday(1) + timedelta(days=7)
    zone = ZoneInfo("Europe/London")
    starts = datetime.combine(day, time(14), zone).astimezone(UTC)
    return {"startsAt": starts.isoformat(), "endsAt": (starts + timedelta(hours=2)).isoformat()}


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("newest", {}),
        ("near a point", {"filter": {"near": {"lat": 53.48, "lng": -2.24}, "withinKm": 10}}),
        ("text", {"filter": {"text": "room"}, "sort": "RELEVANCE"}),
        ("free on Tuesday afternoon within 5 km", "free"),
    ],
)
async def test_search_runs_the_same_few_statements_for_5_and_100_results(
    gql: Any, listings: Any, name: str, variables: Any
) -> None:
    bob = listings
    if variables == "free":
        variables = {
            "filter": {"free": _tuesday_afternoon(), "nearHome": True, "withinKm": 5},
            "sort": "NEAREST",
        }
    # when
    small, five = await statements(gql, bob, SEARCH, first=5, **variables)
    large, hundred = await statements(gql, bob, SEARCH, first=100, **variables)
    # then
    for data, size in ((five, 5), (hundred, 100)):
        page = data["assets"]
        assert len(page["edges"]) == size
        assert page["pageInfo"]["hasNextPage"] is True
    nodes = [e["node"] for e in hundred["assets"]["edges"]]
    assert {n["ownerOrganisation"]["name"] for n in nodes if n["ownerOrganisation"]} == {
        "Alice's group"
    }
    assert {n["ownerMember"]["displayName"] for n in nodes if n["ownerMember"]} == {"Carol"}
    # bob staffs Alice's group: he manages (and sees the place of) its rooms, no one else's
    managed = [n for n in nodes if n["viewerCanManage"]]
    assert managed and all(n["ownerOrganisation"] for n in managed)
    assert all((n["location"] is not None) == n["viewerCanManage"] for n in nodes)
    assert small == large <= MAX_STATEMENTS, (small, large)


async def test_my_assets_runs_the_same_few_statements_for_5_and_100_results(
    gql: Any, listings: Any
) -> None:
    bob = listings
    small, five = await statements(gql, bob, MINE, first=5)
    large, hundred = await statements(gql, bob, MINE, first=100)
    assert len(five["myAssets"]["edges"]) == 5 and len(hundred["myAssets"]["edges"]) == 55
    assert all(e["node"]["viewerCanManage"] for e in hundred["myAssets"]["edges"])
    assert small == large <= MAX_STATEMENTS, (small, large)
