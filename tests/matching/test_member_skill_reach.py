"""member_skill carries its member's home, travel distance, birth date, timetable and
matchability (migrations 0035 and 0057), kept by triggers whoever writes: matching finds skill
holders from that copy alone, so a stale copy would tell the wrong people."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.config import get_settings
from app.matching.models import Notification
from app.matching.service import notify_matches
from app.people import profile, skills
from app.people.models import Member, MemberStatus
from tests.helpers import next_weekday
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

LONDON = ZoneInfo("Europe/London")

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


ELIGIBILITY = (
    "SELECT born_on, free_minutes::text AS free, matchable FROM member_skill WHERE member_id = $1"
)
STOCKPORT = (53.4106, -2.1575)  # about 9.6 km south-east of the opportunities


async def _eligibility(member_id: int) -> tuple[Any, ...]:
    from tortoise import Tortoise

    rows = await Tortoise.get_connection("default").execute_query_dict(ELIGIBILITY, [member_id])
    return tuple((r["born_on"], r["free"], r["matchable"]) for r in rows)


async def test_the_copy_follows_birth_date_timetable_and_notification_choices(
    make_person: Any, skill: Any
) -> None:
    # given: a skill holder with no timetable, no birth date, default notification choices
    person = await make_person()
    await skills.set_member_skills(actor=actor_of(person), skill_ids=[skill.id])
    assert await _eligibility(person.member.id) == ((None, None, True),)
    # when: they give a birth date and a timetable (Monday 09:00-12:00, Sunday 22:00-23:30)
    slots = [
        {"weekday": 1, "from": "09:00", "to": "12:00"},
        {"weekday": 7, "from": "22:00", "to": "23:30"},
    ]
    born = date(1990, 5, 17)
    await profile.update_profile(
        actor=actor_of(person), changes={"date_of_birth": born, "availability": slots}
    )
    # then: the copy has them, the timetable as minutes of the week from Monday 00:00
    assert await _eligibility(person.member.id) == ((born, "{[540,720),[9960,10050)}", True),)
    # when: they turn off both e-mail and in-app notifications, then empty the timetable
    await profile.update_profile(
        actor=actor_of(person),
        changes={"notification_prefs": {"email": False, "in_app": False}, "availability": []},
    )
    # then: they can be matched no more, and have no timetable
    assert await _eligibility(person.member.id) == ((born, None, False),)


async def test_the_shortlist_is_the_nearest_who_can_take_it(
    alice: Any, make_person: Any, post: Any, skill: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a shortlist of one; the nearest holder (Salford) is busy on Mondays at noon and
    # the second nearest too young; a farther one (Stockport) is free and of age
    monkeypatch.setattr(get_settings(), "matching_candidates", 1)
    monday_noon = datetime.combine(next_weekday(0), time(12), tzinfo=LONDON).astimezone(UTC)
    busy, young, free = await make_person(), await make_person(), await make_person()
    evenings = [{"weekday": 1, "from": "18:00", "to": "21:00"}]
    for person, home, changes in (
        (busy, SALFORD, {"availability": evenings, "date_of_birth": date(1980, 1, 1)}),
        (young, SALFORD, {"date_of_birth": date.today() - timedelta(days=16 * 366)}),
        (free, STOCKPORT, {"date_of_birth": date(1980, 1, 1)}),
    ):
        await profile.update_profile(
            actor=actor_of(person), changes={"home": home, "travel_km": 15, **changes}
        )
        await skills.set_member_skills(actor=actor_of(person), skill_ids=[skill.id])
    # when: an opportunity for adults in Manchester, on Monday at noon, needing the skill, and
    # one needing no skill (every member in reach)
    common = {"location": MANCHESTER, "starts_at": monday_noon, "ends_at": None, "min_age": 18}
    skilled = await post(alice, skill_ids=[skill.id], **common)
    anyone = await post(alice, title="Anyone", **common)
    # then: each shortlist is the Stockport member, not a nearer member who cannot take it
    assert await _told(skilled) == {free.member.id}
    assert await _told(anyone) == {free.member.id}
