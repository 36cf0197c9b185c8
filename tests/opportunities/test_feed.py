"""The recommended feed: who may see what (eligibility), and in which order (suitability)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.actor import Actor
from app.opportunities import applications, service
from app.people import checks, profile, skills
from app.people.models import CheckKind, Role, Skill
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of
from tests.opportunities.test_search import towards

FEED = """
query Feed($first: Int, $after: String) {
  recommendedOpportunities(first: $first, after: $after) {
    edges { node { title } }
    pageInfo { hasNextPage endCursor }
  }
}"""
LONDON = ZoneInfo("Europe/London")


async def feed(gql: Any, person: Any, first: int = 50) -> list[str]:
    data = await gql(FEED, {"first": first}, as_=person)
    return [e["node"]["title"] for e in data["recommendedOpportunities"]["edges"]]


async def volunteer(make_person: Any, **changes: Any) -> Any:
    """A member living in Manchester who travels up to 5 km."""
    person = await make_person(display_name="Volunteer")
    await profile.update_profile(
        actor=actor_of(person), changes={"home": MANCHESTER, "travel_km": 5, **changes}
    )
    return person


def born_aged(years: int) -> date:
    return date(date.today().year - years, 1, 1)


def next_july_saturday(hour: int, minute: int = 0, days: int = 0) -> datetime:
    """A Saturday in July next year (British Summer Time: UTC+1), at this London clock time."""
    first = date(date.today().year + 1, 7, 1)
    saturday = first + timedelta(days=(5 - first.weekday()) % 7 + days)
    local = datetime(saturday.year, saturday.month, saturday.day, hour, minute, tzinfo=LONDON)
    return local.astimezone(UTC)


# Eligibility


async def test_feed_leaves_out_own_applied_too_far_and_closed_listings(
    gql: Any, hub: Any, other_hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    from tests.helpers import create_person

    # given
    bob = await volunteer(make_person)
    await post(bob, title="Posted by Bob")
    await post(alice, title="Salford, in person", location=SALFORD)
    await post(alice, title="Within reach", location=towards(MANCHESTER, 200, 4.9))
    await post(alice, title="Just beyond reach", location=towards(MANCHESTER, 200, 5.1))
    await post(alice, title="Leeds, in person", location=LEEDS)
    await post(alice, title="Remote help", remote=True, location=None)
    await post(alice, title="Remote, based in Leeds", remote=True, location=LEEDS)
    applied = await post(alice, title="Already applied")
    await applications.apply(actor=actor_of(bob), opportunity_id=applied.id)
    closed = await post(alice, title="Closed")
    await service.close_opportunity(actor=actor_of(alice), opportunity_id=closed.id)
    await post(alice, title="Draft", publish=False)
    outsider = await create_person(hub=other_hub)
    await service.create_opportunity(
        actor=actor_of(outsider),
        publish=True,
        fields={
            "kind": "request",
            "title": "Other hub",
            "category_id": (await _category(other_hub)).id,
            "remote": True,
        },
    )
    # when
    found = await feed(gql, bob)
    # then
    assert set(found) == {
        "Salford, in person",
        "Within reach",
        "Remote help",
        "Remote, based in Leeds",
    }


async def _category(hub: Any) -> Any:
    from app.opportunities.models import Category

    return await Category.create(hub_id=hub.id, slug="any", name="Any")


async def test_checks_the_member_lacks_hide_a_listing_until_verified(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given
    bob = await volunteer(make_person)
    moderator = await make_person(display_name="Moderator", roles=[Role.MODERATOR])
    await post(alice, title="Needs enhanced DBS", required_checks=["dbs_enhanced"])
    await post(
        alice, title="Needs DBS and first aid", required_checks=["dbs_enhanced", "first_aid"]
    )
    await post(alice, title="No checks")
    assert set(await feed(gql, bob)) == {"No checks"}
    # when the check is submitted, still pending
    check = await checks.submit_check(
        actor=actor_of(bob),
        kind=CheckKind.DBS_ENHANCED,
        reference="001234567890",
        expires_on=date.today() + timedelta(days=365),
    )
    # then
    assert set(await feed(gql, bob)) == {"No checks"}
    # when a moderator verifies it
    await checks.review_check(
        actor=Actor(member=moderator.member, roles=frozenset({Role.MEMBER, Role.MODERATOR})),
        check_id=check.id,
        approve=True,
    )
    # then: only the listing whose checks are all held appears
    assert set(await feed(gql, bob)) == {"No checks", "Needs enhanced DBS"}


async def test_minimum_age_needs_a_known_and_old_enough_member(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given
    bob = await volunteer(make_person)
    await post(alice, title="Adults", min_age=18)
    await post(alice, title="Over 21s", min_age=21)
    await post(alice, title="Any age")
    # when no date of birth is known
    assert set(await feed(gql, bob)) == {"Any age"}
    # when Bob is twenty
    await profile.update_profile(actor=actor_of(bob), changes={"date_of_birth": born_aged(20)})
    # then
    assert set(await feed(gql, bob)) == {"Any age", "Adults"}


# Ranking


async def test_shared_skills_rank_first_above_all_else(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given: Bob knows first aid and is free on Saturday mornings
    first_aid = await Skill.create(hub_id=hub.id, slug="first-aid", name="First aid")
    sewing = await Skill.create(hub_id=hub.id, slug="sewing", name="Sewing")
    bob = await volunteer(
        make_person, availability=[{"weekday": 6, "from": "09:00", "to": "12:00"}]
    )
    await skills.set_member_skills(actor=actor_of(bob), skill_ids=[first_aid.id])
    saturday, monday = next_july_saturday(10), next_july_saturday(10, days=2)
    await post(
        alice,
        title="Far, first aid, Monday",
        location=towards(MANCHESTER, 90, 4.9),
        skill_ids=[first_aid.id],
        starts_at=monday,
        ends_at=None,
    )
    await post(
        alice,
        title="Here, sewing, Saturday, urgent",
        skill_ids=[sewing.id],
        urgency="urgent",
        starts_at=saturday,
        ends_at=None,
    )
    # when
    ranked = await feed(gql, bob)
    # then
    assert ranked == ["Far, first aid, Monday", "Here, sewing, Saturday, urgent"]


async def test_nearer_ranks_higher(gql: Any, alice: Any, make_person: Any, post: Any) -> None:
    # given: the same listing at three distances, the farthest starting soonest
    bob = await volunteer(make_person)
    start = next_july_saturday(10)
    await post(
        alice, title="4 km", location=towards(MANCHESTER, 0, 4), starts_at=start, ends_at=None
    )
    await post(
        alice, title="2 km", location=towards(MANCHESTER, 0, 2), starts_at=start, ends_at=None
    )
    await post(alice, title="Here", starts_at=start + timedelta(hours=1), ends_at=None)
    # when / then
    assert await feed(gql, bob) == ["Here", "2 km", "4 km"]


async def test_being_free_at_that_time_ranks_higher_in_the_hubs_time_zone(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given: Bob is free on Saturdays 10:00-11:00 London time (ISO weekday 6); in July London
    # is UTC+1, so 10:30 London is 09:30 UTC and 09:30 London is 08:30 UTC
    bob = await volunteer(
        make_person, availability=[{"weekday": 6, "from": "10:00", "to": "11:00"}]
    )
    await post(alice, title="Saturday 10:30", starts_at=next_july_saturday(10, 30), ends_at=None)
    await post(alice, title="Saturday 09:30", starts_at=next_july_saturday(9, 30), ends_at=None)
    await post(alice, title="Sunday 10:30", starts_at=next_july_saturday(10, 30, 1), ends_at=None)
    await post(alice, title="Friday 10:30", starts_at=next_july_saturday(10, 30, -1), ends_at=None)
    # when
    ranked = await feed(gql, bob)
    # then: inside the slot first, the rest soonest first
    assert ranked == ["Saturday 10:30", "Friday 10:30", "Saturday 09:30", "Sunday 10:30"]


async def test_much_nearer_outweighs_being_free(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given
    bob = await volunteer(
        make_person, availability=[{"weekday": 6, "from": "09:00", "to": "12:00"}]
    )
    await post(
        alice,
        title="4.5 km, Saturday",
        location=towards(MANCHESTER, 0, 4.5),
        starts_at=next_july_saturday(10),
        ends_at=None,
    )
    await post(alice, title="Here, Monday", starts_at=next_july_saturday(10, days=2), ends_at=None)
    # when / then
    assert await feed(gql, bob) == ["Here, Monday", "4.5 km, Saturday"]


async def test_urgent_ranks_higher(gql: Any, alice: Any, make_person: Any, post: Any) -> None:
    # given
    bob = await volunteer(make_person)
    start = next_july_saturday(10)
    await post(alice, title="Normal", starts_at=start, ends_at=None)
    await post(
        alice, title="Urgent", urgency="urgent", starts_at=start + timedelta(days=1), ends_at=None
    )
    # when / then
    assert await feed(gql, bob) == ["Urgent", "Normal"]


async def test_feed_pages_give_each_listing_once_in_order(
    gql: Any, alice: Any, make_person: Any, post: Any
) -> None:
    # given: ties in score and start, so the order rests on the id
    bob = await volunteer(make_person)
    start = next_july_saturday(10)
    for n in range(5):
        await post(alice, title=f"Task {n}", starts_at=start + timedelta(hours=n % 2), ends_at=None)
    whole = await feed(gql, bob)
    # when
    walked, after = [], None
    while True:
        data = await gql(FEED, {"first": 2, "after": after}, as_=bob)
        page = data["recommendedOpportunities"]
        walked += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then
    assert whole == ["Task 0", "Task 2", "Task 4", "Task 1", "Task 3"]
    assert walked == whole


async def test_feed_needs_sign_in(gql: Any, hub: Any) -> None:
    # when
    body = await gql.raw(FEED, {"first": 5}, headers={"CH-Hub": hub.slug})
    # then
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_only_the_nearest_candidates_are_ranked_band_by_band(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any, monkeypatch: Any
) -> None:
    from app.opportunities import feed as feed_module

    # given: a member who travels 20 km; a shared skill far away, plain listings near, remote
    # work; and room to rank only 3 listings in reach
    gardening = await Skill.create(hub_id=hub.id, slug="gardening", name="Gardening")
    bob = await volunteer(make_person, travel_km=20)
    await skills.set_member_skills(actor=actor_of(bob), skill_ids=[gardening.id])
    for km in (0.5, 1.5, 3, 15):
        await post(alice, title=f"{km} km", location=towards(MANCHESTER, 0, km))
    await post(
        alice,
        title="Garden at 12 km",
        location=towards(MANCHESTER, 0, 12),
        skill_ids=[gardening.id],
    )
    await post(alice, title="Remote", remote=True, location=None)
    monkeypatch.setattr(feed_module, "CANDIDATES", 3)
    # when
    titles = await feed(gql, bob)
    # then: the three nearest (the bands inside 1, 2 and 5 km filled the room) and the remote
    # one; the skill match 12 km away was not among the candidates
    assert sorted(titles) == sorted(["0.5 km", "1.5 km", "3 km", "Remote"])
    # and with room for all, the shared skill comes first, then the nearest
    monkeypatch.setattr(feed_module, "CANDIDATES", 200)
    titles = await feed(gql, bob)
    assert titles[0] == "Garden at 12 km" and set(titles) >= {"15 km", "Remote", "0.5 km"}
