"""The recommended feed: eligibility filters and suitability ranking."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.opportunities import applications
from app.people import profile, skills
from app.people.models import CheckKind, CheckStatus, Member, Skill, TrustCheck
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

FEED = "{ recommendedOpportunities(first: 20) { edges { node { title } } } }"


async def feed(gql: Any, person: Any) -> list[str]:
    data = await gql(FEED, as_=person)
    return [e["node"]["title"] for e in data["recommendedOpportunities"]["edges"]]


async def _volunteer(make_person: Any, **changes: Any) -> Any:
    person = await make_person(display_name="Volunteer")
    await profile.update_profile(
        actor=actor_of(person), changes={"home": MANCHESTER, "travel_km": 5, **changes}
    )
    return person


async def test_eligibility(gql: Any, hub: Any, alice: Any, make_person: Any, post: Any) -> None:
    bob = await _volunteer(make_person)
    await post(bob, title="Posted by Bob")
    await post(alice, title="Near, in person", location=SALFORD)
    await post(alice, title="Too far", location=LEEDS)
    await post(alice, title="Remote help", remote=True, location=None)
    applied = await post(alice, title="Already applied")
    await applications.apply(actor=actor_of(bob), opportunity_id=applied.id)
    await post(alice, title="Needs DBS", required_checks=["dbs_enhanced"])
    await post(alice, title="Adults only", min_age=18)
    assert set(await feed(gql, bob)) == {"Near, in person", "Remote help"}
    # once the check is verified and the age known, those appear too
    await TrustCheck.create(
        hub_id=hub.id,
        member_id=bob.member.id,
        kind=CheckKind.DBS_ENHANCED,
        reference="R",
        status=CheckStatus.VERIFIED,
        expires_on=date.today() + timedelta(days=30),
    )
    await Member.filter(id=bob.member.id).update(date_of_birth=date(1990, 1, 1))
    assert set(await feed(gql, bob)) == {
        "Near, in person",
        "Remote help",
        "Needs DBS",
        "Adults only",
    }


async def test_ranking_skills_then_nearness_then_availability(
    gql: Any, hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    first_aid = await Skill.create(hub_id=hub.id, slug="first-aid", name="First aid")
    # Saturday 10:00 London time, some weeks ahead
    today = datetime.now(ZoneInfo("Europe/London")).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
    sat_10 = datetime(
        saturday.year, saturday.month, saturday.day, 10, tzinfo=ZoneInfo("Europe/London")
    ).astimezone(UTC)
    bob = await _volunteer(
        make_person, availability=[{"weekday": 6, "from": "09:00", "to": "12:00"}]
    )
    await skills.set_member_skills(actor=actor_of(bob), skill_ids=[first_aid.id])
    await post(
        alice,
        title="Far, no skill, weekday",
        location=SALFORD,
        starts_at=sat_10 + timedelta(days=2),
        ends_at=None,
    )
    await post(
        alice, title="Near, no skill, weekday", starts_at=sat_10 + timedelta(days=2), ends_at=None
    )
    await post(alice, title="Near, no skill, Saturday", starts_at=sat_10, ends_at=None)
    await post(
        alice,
        title="Far, first aid",
        location=SALFORD,
        skill_ids=[first_aid.id],
        starts_at=sat_10 + timedelta(days=2),
        ends_at=None,
    )
    ranked = await feed(gql, bob)
    assert ranked[0] == "Far, first aid"  # shared skills weigh most
    assert ranked.index("Near, no skill, Saturday") < ranked.index("Near, no skill, weekday")
    assert ranked.index("Near, no skill, weekday") < ranked.index("Far, no skill, weekday")


async def test_feed_needs_sign_in(gql: Any) -> None:
    body = await gql.raw(FEED)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
