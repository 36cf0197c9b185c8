"""The recommended feed compiled (issue 15): the same answer as the interpreter for members
with and without a home, skills, availability, checks and an age, at every page; and one
SQL statement per request with a seen token, whatever the page size."""

import logging
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from app.actor import Actor
from app.opportunities import feed
from app.opportunities.models import Opportunity
from app.people import checks, profile, skills
from app.people.models import CheckKind, Role, Skill
from bench.documents import FEED as BENCH_FEED
from tests.compiled import world as worlds
from tests.compiled.test_differential import CALLERS, both, canonical
from tests.helpers import GraphQLClient, count_sql

FEED = """
query Feed($first: Int, $after: String) {
  recommendedOpportunities(first: $first, after: $after) {
    edges {
      cursor
      node {
        id title kind startsAt placesLeft urgency requiredChecks minAge remote address
        organisation { name } category { name } skills { name } viewerApplication { status }
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.fixture(scope="module")
async def world() -> worlds.World:
    """The compiled world, where the member lives in Manchester, travels 5 km, has two
    skills, Saturday mornings free, a verified enhanced DBS check and is 20; the applicant
    has a home but no skills; some listings need checks or an age."""
    made = await worlds.build()
    member, applicant = made.callers["member"], made.callers["applicant"]
    moderator = made.callers["hub admin"]
    assert member and applicant and moderator
    await profile.update_profile(
        actor=worlds.actor(member),
        changes={
            "home": worlds.MANCHESTER,
            "travel_km": 5,
            "availability": [{"weekday": 6, "from": "09:00", "to": "12:00"}],
            "date_of_birth": date(date.today().year - 20, 1, 1),
        },
    )
    await profile.update_profile(
        actor=worlds.actor(applicant), changes={"home": worlds.SALFORD, "travel_km": 2}
    )
    found = await Skill.filter(hub_id=made.hub.id).order_by("id")
    await skills.set_member_skills(actor=worlds.actor(member), skill_ids=[found[1].id, found[2].id])
    check = await checks.submit_check(
        actor=worlds.actor(member),
        kind=CheckKind.DBS_ENHANCED,
        reference="001234567890",
        expires_on=date.today() + timedelta(days=365),
    )
    await checks.review_check(
        actor=worlds.actor(moderator, Role.MODERATOR), check_id=check.id, approve=True
    )
    listings = made.opportunities
    await Opportunity.filter(id=listings[4].id).update(required_checks=["dbs_enhanced"])
    await Opportunity.filter(id=listings[7].id).update(required_checks=["first_aid"])
    await Opportunity.filter(id=listings[8].id).update(min_age=18)
    await Opportunity.filter(id=listings[9].id).update(min_age=21)
    await Opportunity.filter(id=listings[10].id).update(remote=True)
    return made


@pytest.mark.parametrize("caller", CALLERS)
async def test_the_feed_answers_the_same_compiled_for_every_caller(
    gql: GraphQLClient, world: worlds.World, caller: str
) -> None:
    cases: list[dict[str, Any]] = [
        {"first": 20},
        {"first": 1},
        {"first": 0},
        {},
        {"first": 3, "after": "YXJyYXljb25uZWN0aW9uOjI="},
        {"first": 5, "after": "YXJyYXljb25uZWN0aW9uOjQ5OA=="},  # near the end of the 500
    ]
    for variables in cases:
        compiled, interpreted, ran = await both(gql, world, caller, FEED, variables)
        assert canonical(compiled) == canonical(interpreted), (caller, variables)
        if caller == "anonymous":
            assert not ran and interpreted["errors"]  # signed in only: the interpreter's error
        else:
            assert ran, (caller, variables)
            assert "errors" not in interpreted, interpreted


async def test_the_members_feed_honours_checks_age_and_home(
    gql: GraphQLClient, world: worlds.World
) -> None:
    data = await gql(FEED, {"first": 50}, as_=world.callers["member"])
    titles = {e["node"]["title"] for e in data["recommendedOpportunities"]["edges"]}
    listings = world.opportunities
    assert listings[4].title in titles  # needs the DBS check the member holds
    assert listings[7].title not in titles  # needs first aid, not held
    assert listings[8].title in titles and listings[9].title not in titles  # aged 20
    assert listings[13].title not in titles  # a draft


@pytest.mark.parametrize("document", [FEED, BENCH_FEED])
async def test_the_feed_is_one_statement_at_any_page_size(
    gql: GraphQLClient, world: worlds.World, document: str
) -> None:
    member = world.callers["member"]
    await gql(document, {"first": 1}, as_=member)  # the token, once
    counts = []
    for first in (1, 5, 13):
        with count_sql() as counter:
            data = await gql(document, {"first": first}, as_=member)
        assert data["recommendedOpportunities"]["edges"]
        counts.append(len(counter.statements))
    assert counts == [1, 1, 1]


def _member(**given: Any) -> Any:
    fields: dict[str, Any] = {
        "id": 7,
        "hub_id": 1,
        "date_of_birth": None,
        "home_lat": None,
        "home_lng": None,
        "travel_km": 5,
        "availability": [],
    }
    return SimpleNamespace(**{**fields, **given})


def test_the_feed_is_one_statement_text_for_every_member_with_a_home() -> None:
    """Given members whose reach needs 1 to 7 bands in different cell columns, with 0 to 3
    free slots, with and without an age, far apart; when their feeds are built; then the
    statement's text is the same (asyncpg prepares it once per connection, PostgreSQL plans
    it once), and only the parameters differ."""
    slot = {"weekday": 6, "from": "09:00", "to": "12:00"}
    members = [
        _member(home_lat=53.48, home_lng=-2.24, travel_km=0),
        _member(home_lat=53.48, home_lng=-2.24, travel_km=5, availability=[slot]),
        _member(home_lat=51.5, home_lng=-0.12, travel_km=30, availability=[slot] * 3),
        _member(home_lat=-33.9, home_lng=151.2, travel_km=200, date_of_birth=date(2000, 1, 1)),
        _member(id=8, hub_id=2, home_lat=0.0, home_lng=0.0, travel_km=12),
    ]
    built = [feed.build(actor=Actor(member=m)) for m in members]
    assert len({b.sql for b in built}) == 1
    assert len({len(b.params) for b in built}) == 1
    assert len({repr(b.params) for b in built}) == len(members)
    # Without a home the candidates are the newest listings: a second text, also shared.
    homeless = [
        feed.build(actor=Actor(member=_member(availability=slots, date_of_birth=born)))
        for slots in ([], [slot])
        for born in (None, date(1990, 5, 5))
    ]
    assert len({b.sql for b in homeless}) == 1 and homeless[0].sql != built[0].sql


async def test_two_members_feeds_send_the_same_statement_text(
    gql: GraphQLClient, world: worlds.World
) -> None:
    """Given the member (5 km, a free slot, an age, skills) and the applicant (2 km, none of
    these); when each asks for the feed; then the one statement each sends has the same text."""
    sent: list[str] = []

    class Texts(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            sent.append(
                str(record.args[0])
                if isinstance(record.args, tuple) and record.args
                else record.getMessage()
            )

    logger, handler = logging.getLogger("tortoise.db_client"), Texts(logging.DEBUG)
    for caller in ("member", "applicant"):
        await gql(FEED, {"first": 5}, as_=world.callers[caller])  # the token, once
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        for caller in ("member", "applicant"):
            data = await gql(FEED, {"first": 5}, as_=world.callers[caller])
            assert data["recommendedOpportunities"]["edges"], caller
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(sent) == 2 and sent[0] == sent[1]
