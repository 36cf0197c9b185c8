"""Digests at 08:00 hub time, and saved searches that notify on new matches."""

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.matching.digests import send_digests
from app.matching.models import Notification
from app.matching.service import notify_matches
from app.people import profile
from tests.helpers import next_weekday, read_mail
from tests.opportunities.conftest import LEEDS, MANCHESTER, SALFORD, actor_of

LONDON = ZoneInfo("Europe/London")
MONDAY_NOON = datetime(2026, 11, 23, 12, tzinfo=LONDON).astimezone(UTC)
SAVE = """mutation($input: SaveSearchInput!) { saveSearch(input: $input) { savedSearch { id name } errors { code field } } }"""
MINE = "{ mySavedSearches(first: 5) { edges { node { name withinKm weekdays } } } }"


async def test_daily_and_weekly_digests_once_at_eight(
    alice: Any, make_person: Any, post: Any, run_jobs: Any
) -> None:
    daily, weekly = await make_person(), await make_person()
    for person, digest in ((daily, "daily"), (weekly, "weekly")):
        await profile.update_profile(
            actor=actor_of(person),
            changes={"home": SALFORD, "notification_prefs": {"digest": digest}},
        )
    for title in ("Sort books", "Walk dogs"):
        opportunity = await post(alice, location=MANCHESTER, title=title)
        await notify_matches(opportunity_id=opportunity.id, now=MONDAY_NOON)
    tuesday_8 = datetime(2026, 11, 24, 8, 5, tzinfo=LONDON).astimezone(UTC)
    assert await send_digests(now=tuesday_8 - timedelta(hours=2)) == 0  # not 08:00 yet
    assert await send_digests(now=tuesday_8) >= 1
    await send_digests(now=tuesday_8 + timedelta(minutes=10))
    await run_jobs()
    [mail] = read_mail(daily.email, "2 opportunities for you")
    assert "Sort books" in mail.get_content() and "3.1 km away" in mail.get_content()
    assert read_mail(weekly.email, "2 opportunities for you") == []  # Mondays only
    monday_8 = datetime(2026, 11, 30, 8, 5, tzinfo=LONDON).astimezone(UTC)
    await send_digests(now=monday_8)
    await run_jobs()
    assert len(read_mail(weekly.email, "2 opportunities for you")) == 1


async def test_saved_searches_notify_new_matches(
    gql: Any, alice: Any, make_person: Any, post: Any, category: Any
) -> None:
    bob = await make_person()
    await profile.update_profile(actor=actor_of(bob), changes={"home": LEEDS, "travel_km": 1})
    bob.member.home_lat, bob.member.home_lng = LEEDS
    saved = await gql(
        SAVE,
        {
            "input": {
                "name": "Gardening near me at weekends",
                "text": "garden",
                "withinKm": 5,
                "weekdays": [6, 7],
            }
        },
        as_=bob,
    )
    assert saved["saveSearch"]["errors"] == []
    assert (await gql(MINE, as_=bob))["mySavedSearches"]["edges"][0]["node"] == {
        "name": "Gardening near me at weekends",
        "withinKm": 5.0,
        "weekdays": [6, 7],
    }
    saturday = datetime.combine(next_weekday(5), time(10), tzinfo=LONDON).astimezone(UTC)
    nearby = (LEEDS[0] + 0.018, LEEDS[1])  # 2 km: beyond bob's 1 km, inside his 5 km search
    match = await post(
        alice, title="Community garden day", location=nearby, starts_at=saturday, ends_at=None
    )
    weekday = await post(
        alice,
        title="Garden on Tuesday",
        location=nearby,
        starts_at=saturday + timedelta(days=3),
        ends_at=None,
    )
    far = await post(
        alice, title="Garden in Manchester", location=MANCHESTER, starts_at=saturday, ends_at=None
    )
    for opportunity in (match, weekday, far):
        await notify_matches(opportunity_id=opportunity.id, now=MONDAY_NOON)
    [found] = await Notification.filter(member_id=bob.member.id)
    assert found.opportunity_id == match.id and found.kind == "saved_search"
    assert found.reason == "it matches your saved search “Gardening near me at weekends”"
    bad = await gql(SAVE, {"input": {"name": "x", "weekdays": [8]}}, as_=bob)
    assert bad["saveSearch"]["errors"][0]["field"] == "weekdays"


async def test_a_saved_search_matches_when_each_of_its_words_begins_a_word_of_the_listing(
    gql: Any, alice: Any, make_person: Any, post: Any, skill: Any
) -> None:
    # given: four searches by four members, with no place, day or category
    texts = {"garden": "Garden", "art": "art", "dog walk": "dog walk", "Café Rota": "café rota"}
    people = {}
    for text in texts:
        person = await make_person()
        saved = await gql(SAVE, {"input": {"name": text, "text": text}}, as_=person)
        assert saved["saveSearch"]["errors"] == []
        people[text] = person
    # when: one listing is published and matched (asking for a skill none of them has, so only
    # their searches can tell them)
    listing = await post(
        alice,
        title="Gardening party",
        description="Dog-walking, then the CAFÉ's tea rota; in the community-garden.",
        remote=True,
        skill_ids=[skill.id],
    )
    await notify_matches(opportunity_id=listing.id, now=MONDAY_NOON)
    # then: "garden" begins "Gardening", each word of "dog walk" and of "Café Rota" begins a
    # word there; "art" is inside "party" but begins none of its words
    told = {
        text
        for text, person in people.items()
        if await Notification.filter(
            member_id=person.member.id, opportunity_id=listing.id, kind="saved_search"
        ).exists()
    }
    assert told == {"garden", "dog walk", "Café Rota"}
