"""What matching in bursts changed underneath (issue 19, brief H19m-2): a notification's hub,
member and opportunity are checked once per statement instead of by foreign keys (migration
0051), today's count for the daily cap is read only for the members who could be told now
(more of them when the first are over the cap), and saved searches are found by category."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError

from app.hubs.models import Hub
from app.matching import saved_searches
from app.matching import service as matching
from app.matching.models import Delivery, Notification, NotificationKind
from app.opportunities.models import Category
from app.people.models import Member
from tests.helpers import create_person
from tests.opportunities.conftest import MANCHESTER, actor_of

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=LONDON).astimezone(UTC)


async def test_a_notification_names_a_member_and_an_opportunity_of_its_own_hub(
    hub: Any, other_hub: Any, make_person: Any, post: Any
) -> None:
    person = await make_person()
    stranger = await create_person(hub=other_hub)
    opportunity = await post(person, remote=True)
    kind = NotificationKind.OPPORTUNITY_MATCH
    ok = await Notification.create(
        hub_id=hub.id,
        member_id=person.member.id,
        kind=kind,
        opportunity_id=opportunity.id,
        title="t",
    )
    # a member of another hub, a missing member, an opportunity of another hub: refused
    with pytest.raises(IntegrityError):
        await Notification.create(hub_id=hub.id, member_id=stranger.member.id, kind=kind, title="t")
    with pytest.raises(IntegrityError):
        await Notification.create(hub_id=hub.id, member_id=-1, kind=kind, title="t")
    with pytest.raises(IntegrityError):
        await Notification.create(
            hub_id=other_hub.id,
            member_id=stranger.member.id,
            kind=kind,
            opportunity_id=opportunity.id,
            title="t",
        )
    # ... and in a statement of many rows, one bad row refuses them all
    conn = Tortoise.get_connection("default")
    with pytest.raises(IntegrityError):
        await conn.execute_query(
            "INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score,"
            " data, created_at) SELECT $1, m, 'saved_search', 't', '', 'now', 0, '{}', now()"
            " FROM unnest($2::bigint[]) AS m",
            [hub.id, [person.member.id, stranger.member.id]],
        )
    assert await Notification.filter(hub_id=hub.id).count() == 1
    # a notification keeps its member and opportunity
    with pytest.raises(IntegrityError):
        await Notification.filter(id=ok.id).update(member_id=stranger.member.id)


async def test_deleting_a_member_or_an_opportunity_deletes_their_notifications(
    hub: Any, make_person: Any, post: Any
) -> None:
    poster = await make_person()
    bare = await Member.create(hub_id=hub.id, display_name="Never signed in")
    opportunity = await post(poster, remote=True)
    kind = NotificationKind.OPPORTUNITY_MATCH
    for member_id in (bare.id, poster.member.id):
        await Notification.create(
            hub_id=hub.id, member_id=member_id, kind=kind, opportunity_id=opportunity.id, title="t"
        )
    await Notification.create(
        hub_id=hub.id, member_id=poster.member.id, kind=NotificationKind.BADGE_AWARDED, title="b"
    )
    await Member.filter(id=bare.id).delete()
    assert not await Notification.filter(member_id=bare.id).exists()
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "DELETE FROM opportunity_skill WHERE opportunity_id = $1", [opportunity.id]
    )
    await conn.execute_query(
        "DELETE FROM outbox_job WHERE payload->>'opportunity_id' = $1", [str(opportunity.id)]
    )
    await conn.execute_query("DELETE FROM opportunity WHERE id = $1", [opportunity.id])
    assert await Notification.filter(hub_id=hub.id).values_list("kind", flat=True) == [
        NotificationKind.BADGE_AWARDED
    ]


async def test_the_cap_is_counted_for_more_members_when_the_first_are_over_it(
    hub: Any, make_person: Any, post: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: one member told now per listing, a cap of one a day, and three members every
    # (remote) listing suits equally (ranked by id); the first round of counting reads only
    # the first of them
    monkeypatch.setattr(matching, "MAX_NOW", 1)
    await Hub.filter(id=hub.id).update(daily_notification_cap=1)
    poster = await make_person(display_name="Poster")
    people = sorted([await make_person() for _ in range(3)], key=lambda p: p.member.id)
    told_now = []
    # when: four listings are matched one after the other
    for n in range(4):
        listing = await post(poster, remote=True, title=f"Listing {n}")
        await matching.notify_matches(opportunity_id=listing.id, now=NOON)
        rows = await Notification.filter(opportunity_id=listing.id).values_list(
            "member_id", "delivery"
        )
        assert len(rows) == 3
        told_now.append([m for m, d in rows if d == Delivery.NOW])
    # then: each member is told now once, in rank order (the later ones found by counting
    # again), and the fourth listing goes to everyone's digest
    assert told_now == [[p.member.id] for p in people] + [[]]


async def test_saved_searches_are_found_by_their_category_or_by_naming_none(
    hub: Any, make_person: Any, post: Any, category: Any
) -> None:
    other = await Category.create(hub_id=hub.id, slug="second-category", name="Second category")
    poster, bob, carol = await make_person(), await make_person(), await make_person()
    await saved_searches.save_search(
        actor=actor_of(bob), name="Garden things", category_ids=[category.id]
    )
    await saved_searches.save_search(actor=actor_of(carol), name="Anything")
    # (bob and carol have no home: only their searches can tell them about a located listing)
    mine = await post(poster, location=MANCHESTER, title="In the category")
    theirs = await post(poster, location=MANCHESTER, title="Not in it", category_id=other.id)
    for listing in (mine, theirs):
        await matching.notify_matches(opportunity_id=listing.id, now=NOON)
    found = await Notification.filter(kind=NotificationKind.SAVED_SEARCH).values_list(
        "member_id", "opportunity_id"
    )
    assert sorted(found) == sorted(
        [(bob.member.id, mine.id), (carol.member.id, mine.id), (carol.member.id, theirs.id)]
    )
