"""Matching: who is told about a new opportunity, how, and why — every rule."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.hubs.models import Hub
from app.matching.models import MatchedOpportunity, Notification
from app.matching.service import notify_matches
from app.people import profile, skills
from app.people.models import CheckKind, CheckStatus, Member, TrustCheck
from tests.helpers import next_weekday, read_mail
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

NOTIFICATIONS = """query($unread: Boolean) { unreadNotificationCount notifications(first: 10, unread: $unread) {
  edges { node { id title reason delivery readAt opportunity { title } } } } }"""
MARK = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked errors { code } } }"""
LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON).astimezone(UTC)  # a Monday


async def member(
    make_person: Any, *, home: tuple[float, float] | None = SALFORD, **changes: Any
) -> Any:
    person = await make_person()
    await profile.update_profile(
        actor=actor_of(person), changes={"home": home, "travel_km": 5, **changes}
    )
    return person


async def told(opportunity: Any, now: datetime = NOON) -> dict[int, Notification]:
    await notify_matches(opportunity_id=opportunity.id, now=now)
    return {n.member_id: n for n in await Notification.filter(opportunity_id=opportunity.id)}


async def test_distance_travel_and_the_reason(
    gql: Any, alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    near = await member(make_person)
    await member(make_person, home=LEEDS)  # too far
    await member(make_person, home=None)  # no home: location unknown
    await member(make_person, travel_km=1)  # will not travel 3 km
    await skills.set_member_skills(actor=actor_of(near), skill_ids=[skill.id])
    opportunity = await post(alice, location=MANCHESTER)
    result = await told(opportunity)
    assert set(result) == {near.member.id}  # 3.1 km from Salford; the others are too far or unknown
    assert result[near.member.id].reason == "3.1 km away"


async def test_skills_overlap_is_required_and_named(
    alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    medic = await member(make_person)
    await member(make_person)  # no first aid
    await skills.set_member_skills(actor=actor_of(medic), skill_ids=[skill.id])
    opportunity = await post(alice, location=MANCHESTER, skill_ids=[skill.id])
    result = await told(opportunity)
    assert set(result) == {medic.member.id}
    assert result[medic.member.id].reason.startswith("you know first aid, 3.1 km away")


async def test_availability_and_required_checks(
    hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    monday_noon = datetime.combine(next_weekday(0), time(12), tzinfo=LONDON).astimezone(UTC)
    free = await member(make_person, availability=[{"weekday": 1, "from": "09:00", "to": "13:00"}])
    await member(make_person, availability=[{"weekday": 6, "from": "09:00", "to": "13:00"}])
    unknown = await member(make_person)
    opportunity = await post(alice, location=MANCHESTER, starts_at=monday_noon, ends_at=None)
    result = await told(opportunity)
    assert set(result) == {free.member.id, unknown.member.id}
    assert result[free.member.id].reason == "3.1 km away, free on Monday afternoons"
    checked = await post(alice, location=MANCHESTER, required_checks=["dbs_enhanced"])
    await TrustCheck.create(
        hub_id=hub.id,
        member_id=unknown.member.id,
        kind=CheckKind.DBS_ENHANCED,
        reference="R",
        status=CheckStatus.VERIFIED,
        expires_on=date.today() + timedelta(days=9),
    )
    assert set(await told(checked)) == {unknown.member.id}


async def test_preferences_age_poster_and_applicants(
    alice: Any, make_person: Any, post: Any
) -> None:
    from app.opportunities import applications

    await member(make_person, notification_prefs={"email": False, "in_app": False})
    await member(make_person, date_of_birth=date.today() - timedelta(days=16 * 366))
    applied = await member(make_person)
    ok = await member(make_person)
    await profile.update_profile(actor=actor_of(alice), changes={"home": SALFORD})
    opportunity = await post(alice, location=MANCHESTER, min_age=18, publish=False)
    from app.opportunities import service

    await service.publish_opportunity(actor=actor_of(alice), opportunity_id=opportunity.id)
    await Member.filter(id=ok.member.id).update(date_of_birth=date(1980, 1, 1))
    await Member.filter(id=applied.member.id).update(date_of_birth=date(1980, 1, 1))
    await applied.member.refresh_from_db()
    await applications.apply(actor=actor_of(applied), opportunity_id=opportunity.id)
    assert set(await told(opportunity)) == {ok.member.id}


async def test_daily_cap_quiet_hours_digest_and_urgent(
    hub: Any, alice: Any, make_person: Any, post: Any
) -> None:
    await Hub.filter(id=hub.id).update(daily_notification_cap=1)
    capped = await member(make_person)
    night_owl = await member(
        make_person, notification_prefs={"quiet_from": "11:00", "quiet_to": "14:00"}
    )
    digester = await member(make_person, notification_prefs={"digest": "daily"})
    first = await told(await post(alice, location=MANCHESTER, title="First of the day"))
    assert first[capped.member.id].delivery == "now"
    assert first[night_owl.member.id].delivery == "digest"  # noon is inside 11:00-14:00
    assert first[digester.member.id].delivery == "digest"
    second = await told(await post(alice, location=MANCHESTER, title="Second of the day"))
    assert second[capped.member.id].delivery == "digest"  # over the cap of 1
    urgent = await told(
        await post(alice, location=MANCHESTER, title="Urgent: lift needed", urgency="urgent")
    )
    assert urgent[capped.member.id].delivery == "now"  # the nearest few, over the cap


async def test_running_twice_notifies_once_and_emails_once(
    gql: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any
) -> None:
    bob = await member(make_person)
    opportunity = await post(alice, location=MANCHESTER, title="Collect donations")
    assert await notify_matches(opportunity_id=opportunity.id, now=NOON) == 1
    assert await notify_matches(opportunity_id=opportunity.id, now=NOON) == 0
    await run_jobs()
    await run_jobs()
    assert len(read_mail(bob.email, "A new opportunity for you: Collect donations")) == 1
    # the notification centre
    data = await gql(NOTIFICATIONS, {"unread": True}, as_=bob)
    assert data["unreadNotificationCount"] == 1
    [edge] = data["notifications"]["edges"]
    assert edge["node"]["opportunity"] == {"title": "Collect donations"}
    marked = await gql(MARK, {"input": {"notificationIds": [edge["node"]["id"]]}}, as_=bob)
    assert marked["markNotificationsRead"]["marked"] == 1
    assert (await gql(NOTIFICATIONS, {"unread": True}, as_=bob))["unreadNotificationCount"] == 0
    # nobody else sees it
    assert (
        await gql("query($id: ID!) { node(id: $id) { id } }", {"id": edge["node"]["id"]}, as_=alice)
    )["node"] is None


async def test_publishing_through_graphql_notifies_via_the_worker(
    gql: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any
) -> None:
    bob = await member(make_person)
    draft = await post(alice, location=MANCHESTER, title="Paint the hall", publish=False)
    from schema.relay import encode_id

    published = await gql(
        """mutation($input: PublishOpportunityInput!) { publishOpportunity(input: $input) { errors { code } } }""",
        {"input": {"opportunityId": str(encode_id("Opportunity", draft.id))}},
        as_=alice,
    )
    assert published["publishOpportunity"]["errors"] == []
    await run_jobs()
    assert await Notification.filter(member_id=bob.member.id, opportunity_id=draft.id).exists()


async def test_a_batch_of_listings_is_matched_as_each_alone_would_be(
    alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    # given: a first-aider nearby, a member nearby without it, and one too far; six listings
    # asking for first aid published at once (a batch large enough to go holders first)
    medic = await member(make_person)
    await member(make_person)
    far = await member(make_person, home=LEEDS)
    await skills.set_member_skills(actor=actor_of(medic), skill_ids=[skill.id])
    await skills.set_member_skills(actor=actor_of(far), skill_ids=[skill.id])
    listings = [
        await post(alice, location=MANCHESTER, skill_ids=[skill.id], title=f"First aid {n}")
        for n in range(6)
    ]
    # when: the first one's job runs
    await notify_matches(opportunity_id=listings[0].id, now=NOON)
    # then: all six were matched together, each telling the first-aider alone, with the reason
    for listing in listings:
        told = await Notification.filter(opportunity_id=listing.id)
        assert [(n.member_id, n.reason) for n in told] == [
            (medic.member.id, "you know first aid, 3.1 km away")
        ]


async def test_a_batch_mixing_listings_with_and_without_skills_matches_each_by_its_own_rule(
    alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    # given: a first-aider and a member without it nearby, one first-aider too far
    medic = await member(make_person)
    neighbour = await member(make_person)
    far = await member(make_person, home=LEEDS)
    await skills.set_member_skills(actor=actor_of(medic), skill_ids=[skill.id])
    await skills.set_member_skills(actor=actor_of(far), skill_ids=[skill.id])
    # and two listings published together: one asks for first aid, one for no skill at all
    first_aid = await post(alice, location=MANCHESTER, skill_ids=[skill.id], title="First aid")
    anyone = await post(alice, location=MANCHESTER, title="Anyone")

    # when: one job matches the batch (the skilled and the skill-less ring in one statement)
    await notify_matches(opportunity_id=first_aid.id, now=NOON)

    # then: both were matched by it; first aid reaches the first-aider alone, the other
    # listing everyone in reach
    assert (
        await MatchedOpportunity.filter(opportunity_id__in=[first_aid.id, anyone.id]).count() == 2
    )
    assert {n.member_id for n in await Notification.filter(opportunity_id=first_aid.id)} == {
        medic.member.id
    }
    assert {n.member_id for n in await Notification.filter(opportunity_id=anyone.id)} == {
        medic.member.id,
        neighbour.member.id,
    }
