"""member_skill carries its member's home, travel distance and matchability (migration 0034),
kept by triggers whoever writes: matching finds skill holders from that copy alone, so a stale
copy would tell the wrong people."""

from typing import Any

from app.matching.models import Notification
from app.matching.service import notify_matches
from app.people import profile, skills
from app.people.models import Member, MemberStatus
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

COPY = (
    "SELECT home_cell, home_lat, home_lng, travel_km, matchable FROM member_skill"
    " WHERE member_id = $1"
)


async def _copies(member_id: int) -> list[tuple[Any, ...]]:
    from tortoise import Tortoise

    rows = await Tortoise.get_connection("default").execute_query_dict(COPY, [member_id])
    return [
        (r["home_cell"], r["home_lat"], r["home_lng"], r["travel_km"], r["matchable"]) for r in rows
    ]


async def _home(member_id: int) -> tuple[Any, ...]:
    m = await Member.get(id=member_id)
    return (m.home_cell, m.home_lat, m.home_lng, m.travel_km, m.status == MemberStatus.ACTIVE)


async def _told(opportunity: Any) -> set[int]:
    await notify_matches(opportunity_id=opportunity.id)
    ids = await Notification.filter(opportunity_id=opportunity.id).values_list(
        "member_id", flat=True
    )
    return {int(i) for i in ids}  # type: ignore[call-overload]


async def test_skills_set_before_the_home_follow_the_member_when_they_move(
    alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    # given: a member who names a skill first, living in Leeds
    person = await make_person()
    await skills.set_member_skills(actor=actor_of(person), skill_ids=[skill.id])
    await profile.update_profile(actor=actor_of(person), changes={"home": LEEDS, "travel_km": 5})
    assert await _copies(person.member.id) == [await _home(person.member.id)]
    before = await post(alice, location=MANCHESTER, skill_ids=[skill.id], title="Before")
    assert person.member.id not in await _told(before)  # 58 km away
    # when: they move to Salford, 3.1 km from the opportunities
    await profile.update_profile(actor=actor_of(person), changes={"home": SALFORD})
    after = await post(alice, location=MANCHESTER, skill_ids=[skill.id], title="After")
    # then: the copy moved with them, and the opportunity matched after the move tells them
    assert await _copies(person.member.id) == [await _home(person.member.id)]
    assert person.member.id in await _told(after)


async def test_a_suspended_member_and_a_shorter_travel_distance_are_not_matched(
    alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    # given: two members in Salford with the skill, willing to travel 5 km
    stays, suspended = await make_person(), await make_person()
    for person in (stays, suspended):
        await profile.update_profile(
            actor=actor_of(person), changes={"home": SALFORD, "travel_km": 5}
        )
        await skills.set_member_skills(actor=actor_of(person), skill_ids=[skill.id])
    # when: one is suspended and the other will now travel 2 km only (3.1 km away)
    await Member.filter(id=suspended.member.id).update(status=MemberStatus.SUSPENDED)
    await profile.update_profile(actor=actor_of(stays), changes={"travel_km": 2})
    # then: both copies say so, and an opportunity in Manchester tells neither
    assert await _copies(suspended.member.id) == [await _home(suspended.member.id)]
    assert (await _copies(suspended.member.id))[0][4] is False
    assert await _copies(stays.member.id) == [await _home(stays.member.id)]
    told = await _told(await post(alice, location=MANCHESTER, skill_ids=[skill.id]))
    assert not told & {stays.member.id, suspended.member.id}
