"""Members told when they reach a level (issue 16): by an event's award, the nightly recompute's
and an award by hand, through the notify job's chunked telling (app/badges/notify.py,
app/badges/levels_reached.py). Told once per holder and level, whatever duplicate or concurrent
runs; of two levels reached at once only the highest is told (the lower one recorded, untold);
a revocation un-tells nothing and crossing the level again tells nothing."""

import asyncio
import importlib
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise

from app.badges import awards, notify, recompute
from app.badges.models import Award, BadgeClass, HolderKind, Level, LevelReached
from app.badges.on_events import on_hours_verified
from app.matching.models import Notification, NotificationKind
from app.organisations import service as organisations
from app.people.models import Role
from tests.badges.conftest import Records, actor_of
from tests.helpers import count_sql, read_mail


async def levels_told(hub: Any, person: Any) -> list[str]:
    told = await Notification.filter(
        hub_id=hub.id, member_id=person.member.id, kind=NotificationKind.LEVEL_REACHED
    ).order_by("id")
    return [n.title for n in told]


async def level(hub: Any, name: str) -> Level:
    return await Level.get(hub_id=hub.id, name=name)


async def test_an_event_award_crossing_a_level_tells_the_member_once(
    hub: Any, records: Records, make_person: Any, badge: Any, run_jobs: Any
) -> None:
    # given: the hub's levels (Helper at 30 points); a badge worth 30 for a first hour, besides
    # the default "First hours" (10): Bea's first hour takes her from 0 to 40 points
    helper = await level(hub, "Helper")
    assert helper.min_points == 30
    await badge("verified_hours", 1, points=30, name="Keen")
    bea = await make_person(display_name="Bea")
    record = await records.hours(bea, 60)
    # when: the event's handler awards, and the notify job runs twice
    await on_hours_verified(hours_record_id=record.id, hub_id=hub.id, volunteer_id=bea.member.id)
    await notify.tell_holders(hub_id=hub.id)
    await notify.tell_holders(hub_id=hub.id)
    await run_jobs()  # (the queued notify job finds nothing; the email is sent)
    # then: she is told of the level once, in the app and by email; the reach is recorded
    assert await levels_told(hub, bea) == ["You reached the level “Helper”"]
    assert len(read_mail(bea.email, "You reached the level “Helper”")) == 1
    [reached] = await LevelReached.filter(hub_id=hub.id, member_id=bea.member.id)
    assert (reached.level_id, reached.points, reached.told) == (helper.id, 40, True)


async def test_the_recompute_crossing_two_levels_at_once_tells_the_highest_only(
    hub: Any, records: Records, make_person: Any, badge: Any
) -> None:
    # given: a badge worth 120 for ten hours: with "First hours" and "10 hours" (10 + 20) Cy
    # goes from 0 to 150 points, past Helper (30) and Contributor (100)
    await badge("verified_hours", 10, points=120, name="Big effort")
    cy = await make_person(display_name="Cy")
    await records.hours(cy, 600)
    # when: the nightly recompute awards (no event) and the notify job tells
    await recompute.recompute_hub(hub.id)
    await notify.tell_holders(hub_id=hub.id)
    # then: one notification, of the highest level; both levels recorded, the lower untold
    assert await levels_told(hub, cy) == ["You reached the level “Contributor”"]
    reached = await LevelReached.filter(member_id=cy.member.id).order_by("points", "level_id")
    names = {lv.id: lv.name for lv in await Level.filter(hub_id=hub.id)}
    assert sorted((names[r.level_id], r.told) for r in reached) == [
        ("Contributor", True),
        ("Helper", False),
    ]
    # and: a second recompute and telling tell nothing more
    await recompute.recompute_hub(hub.id)
    await notify.tell_holders(hub_id=hub.id)
    assert await levels_told(hub, cy) == ["You reached the level “Contributor”"]


async def test_by_hand_revoked_and_reached_again_is_told_once(
    hub: Any, admin: Any, make_person: Any, badge: Any
) -> None:
    # given: two badges worth 30 points each, given by hand only (thresholds nobody reaches)
    one = await badge("verified_hours", 100_000, points=30, name="Helper of the year")
    two = await badge("verified_hours", 100_001, points=30, name="Helper of the decade")
    dee = await make_person(display_name="Dee")
    ada = actor_of(admin, Role.HUB_ADMIN)
    # when: an admin gives Dee the first, and the notify job runs
    await awards.award_by_hand(actor=ada, badge_class_id=one.id, member_id=dee.member.id)
    await notify.tell_holders(hub_id=hub.id)
    # then: she reached Helper and is told
    assert await levels_told(hub, dee) == ["You reached the level “Helper”"]
    # when: the badge is revoked (0 points: below Helper again), then the second given
    await awards.revoke(
        actor=ada, badge_class_id=one.id, member_id=dee.member.id, reason="Given by mistake"
    )
    assert await LevelReached.filter(member_id=dee.member.id).count() == 1  # not un-told
    await awards.award_by_hand(actor=ada, badge_class_id=two.id, member_id=dee.member.id)
    await notify.tell_holders(hub_id=hub.id)
    # then: crossing Helper again tells nothing (the award itself is told)
    assert await levels_told(hub, dee) == ["You reached the level “Helper”"]
    assert (
        await Notification.filter(
            member_id=dee.member.id, kind=NotificationKind.BADGE_AWARDED
        ).count()
        == 2
    )


async def test_concurrent_chunks_telling_two_awards_of_one_holder_tell_the_level_once(
    hub: Any, records: Records, make_person: Any, badge: Any
) -> None:
    # given: two awards of Eve's, 20 points each, untold: together past Helper (30)
    a = await badge("verified_hours", 1, points=20, name="Started")
    b = await badge("verified_hours", 1, points=20, name="Started too")
    await BadgeClass.filter(hub_id=hub.id).exclude(id__in=[a.id, b.id]).update(active=False)
    eve = await make_person(display_name="Eve")
    await records.hours(eve, 60)
    await recompute.recompute_hub(hub.id)
    assert await Award.filter(member_id=eve.member.id, notified_at__isnull=True).count() == 2
    # when: two runs at once take one award each (each sees 40 points), then duplicate runs
    taken = await asyncio.gather(*(notify.tell_chunk(hub.id, chunk=1) for _ in range(2)))
    assert sorted(taken) == [1, 1]
    await asyncio.gather(*(notify.tell_holders(hub_id=hub.id) for _ in range(3)))
    # then: Eve is told of Helper exactly once
    assert await levels_told(hub, eve) == ["You reached the level “Helper”"]
    assert await LevelReached.filter(member_id=eve.member.id).count() == 1


async def test_an_organisation_reaching_a_level_tells_its_managers(
    hub: Any, admin: Any, badge: Any
) -> None:
    # given: an organisation (its creator, the admin, owns it) and a badge for it worth 30
    cafe = await organisations.create_organisation(
        actor=actor_of(admin), name="Repair café", kind="charity"
    )
    big = await badge("verified_hours", 100_000, points=30, holder_kind=HolderKind.ORGANISATION)
    # when: a hub admin gives it by hand and the notify job runs
    await awards.award_by_hand(
        actor=actor_of(admin, Role.HUB_ADMIN), badge_class_id=big.id, organisation_id=cafe.id
    )
    await notify.tell_holders(hub_id=hub.id)
    # then: its owner is told, in the organisation's name
    assert await levels_told(hub, admin) == ["Repair café reached the level “Helper”"]
    assert await LevelReached.filter(organisation_id=cafe.id).count() == 1


async def test_the_migration_records_levels_reached_before_it_as_told(
    hub: Any, make_person: Any, badge: Any, admin: Any
) -> None:
    # given: Fay holds a told award worth 30 (Helper) and a revoked one; no level recorded
    fay = await make_person(display_name="Fay")
    ada = actor_of(admin, Role.HUB_ADMIN)
    kept = await badge("verified_hours", 100_000, points=30)
    gone = await badge("verified_hours", 100_001, points=100)
    for b in (kept, gone):
        await awards.award_by_hand(actor=ada, badge_class_id=b.id, member_id=fay.member.id)
    await awards.revoke(actor=ada, badge_class_id=gone.id, member_id=fay.member.id, reason="No")
    await Award.filter(member_id=fay.member.id).update(notified_at=datetime.now(UTC))
    # when: migration 0023's backfill runs (twice: it is idempotent)
    backfill = importlib.import_module("migrations.0023_badge_levels_reached").BACKFILL_SQL
    for _ in range(2):
        await Tortoise.get_connection("default").execute_script(backfill)
    # then: Helper (not Contributor: that badge is revoked) is recorded as told
    [reached] = await LevelReached.filter(member_id=fay.member.id)
    assert (reached.level_id, reached.points, reached.told) == (
        (await level(hub, "Helper")).id,
        30,
        True,
    )


async def test_telling_levels_costs_the_same_statements_for_2_and_8_holders(
    hub: Any, admin: Any, make_person: Any, badge: Any
) -> None:
    # given: ten members each given by hand a badge worth 30 (Helper), none told yet
    worth = await badge("verified_hours", 100_000, points=30)
    ada = actor_of(admin, Role.HUB_ADMIN)
    people = [await make_person(display_name=f"P{i}") for i in range(10)]
    for person in people:
        await awards.award_by_hand(actor=ada, badge_class_id=worth.id, member_id=person.member.id)

    async def statements(chunk: int) -> int:
        with count_sql() as counter:
            assert await notify.tell_chunk(hub.id, chunk=chunk) == chunk
        return len(counter.statements)

    # when: one chunk tells 2 awards, the next 8
    n2, n8 = await statements(2), await statements(8)
    # then: the same statements, and all ten told of Helper
    assert n2 == n8, (n2, n8)
    told = await Notification.filter(hub_id=hub.id, kind=NotificationKind.LEVEL_REACHED)
    assert sorted(n.member_id for n in told) == sorted(p.member.id for p in people)
