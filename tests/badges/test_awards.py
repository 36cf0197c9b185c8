"""Awards through the outbox and a real arq worker: exactly once per holder under duplicate and
concurrent award jobs, the member told once (in the app, live, by email); the nightly recompute
finding an award no event gave; awarding by hand and revoking, audited, with typed errors."""

import asyncio
from typing import Any

import orjson
import pytest
import redis.asyncio as aioredis

from app import events
from app.audit.models import AuditEvent
from app.badges import awards, notify, recompute
from app.badges.errors import BadgeErrorCode as E
from app.badges.models import Award, BadgeClass
from app.badges.on_events import on_hours_verified
from app.config import get_settings
from app.errors import DomainError
from app.matching import live
from app.matching.models import Notification, NotificationKind
from app.people.models import Member, Role
from tests.badges.conftest import Records, actor_of
from tests.helpers import read_mail


async def test_duplicate_and_concurrent_award_jobs_award_once_and_tell_once(
    hub: Any, records: Records, make_person: Any, run_jobs: Any
) -> None:
    # given: the hub's default badge for the first verified hour, and Bea's hour verified
    first = await BadgeClass.get(hub_id=hub.id, slug="first-hours")
    bea = await make_person(display_name="Bea")
    record = await records.hours(bea, 60)
    payload = {"hours_record_id": record.id, "hub_id": hub.id, "volunteer_id": bea.member.id}
    listener = aioredis.Redis.from_url(get_settings().redis_url).pubsub()
    await listener.subscribe(live.channel(bea.member.id))
    # when: the event is emitted three times under different keys (three award jobs), once
    # more under a key already used (no job), and the handler runs five times at once besides
    for key in ("a", "b", "c", "a"):
        await events.emit("hours.verified", payload, key=f"{record.id}:{key}")
    made = await asyncio.gather(*(on_hours_verified(**payload) for _ in range(5)))
    # when: two real workers take the jobs concurrently, then one more pass for the emails
    await asyncio.gather(run_jobs(), run_jobs())
    await run_jobs()
    # then: one award, from whichever job came first
    assert sum(made) <= 1  # (the in-test calls; the workers' jobs made the rest, if any)
    held = await Award.filter(hub_id=hub.id, badge_class_id=first.id)
    assert [a.member_id for a in held] == [bea.member.id]
    assert held[0].notified_at is not None
    # then: Bea was told once in the app, live, and by email
    told = await Notification.filter(
        hub_id=hub.id, member_id=bea.member.id, kind=NotificationKind.BADGE_AWARDED
    )
    assert [n.title for n in told] == ["You earned the badge “First hours”"]
    heard = []
    for _ in range(5):  # (a subscribe confirmation reads as None)
        message = await listener.get_message(ignore_subscribe_messages=True, timeout=0.2)
        if message is not None:
            heard.append(int(message["data"]))
    await listener.aclose()
    assert heard == [told[0].id]
    assert len(read_mail(bea.email, "You earned the badge “First hours”")) == 1


async def test_a_member_who_wants_no_email_is_told_in_the_app_only(
    hub: Any, records: Records, make_person: Any, badge: Any, run_jobs: Any
) -> None:
    first = await badge("verified_hours", 1, name="Quiet start")
    cy = await make_person(display_name="Cy")
    await Member.filter(id=cy.member.id).update(notification_prefs={"email": False})
    await records.hours(cy, 60)
    await recompute.recompute_hub(hub.id)
    await run_jobs()
    await run_jobs()
    assert await Award.filter(badge_class_id=first.id, member_id=cy.member.id).exists()
    # (two badges: this one and the hub's default "First hours")
    assert await Notification.filter(member_id=cy.member.id).count() == 2
    assert [m for m in read_mail(cy.email) if "badge" in m["Subject"]] == []


async def test_the_nightly_recompute_finds_an_award_no_event_gave(
    hub: Any, records: Records, make_person: Any, badge: Any
) -> None:
    # given: hours recorded without an event (a lost job), so no award was made
    ten = await badge("verified_hours", 10)
    bea, cy = await make_person(display_name="Bea"), await make_person(display_name="Cy")
    await records.hours(bea, 600)
    await records.hours(cy, 60)
    assert not await Award.filter(badge_class_id=ten.id).exists()
    # when: the nightly recompute runs
    made = await recompute.recompute_hub(hub.id)
    # then: Bea has the badge, the notify job is queued; a second run makes nothing more
    assert made[ten.slug] == 1
    assert await Award.filter(badge_class_id=ten.id).values_list("member_id", flat=True) == [
        bea.member.id
    ]
    assert await notify.tell_holders(hub_id=hub.id) >= 1
    again = await recompute.recompute_hub(hub.id)
    assert set(again.values()) == {0}
    assert await Award.filter(badge_class_id=ten.id).count() == 1


@pytest.fixture
async def holder(make_person: Any) -> Any:
    return await make_person(display_name="Dee")


async def test_awarding_by_hand_twice_is_a_typed_error_and_writes_nothing(
    hub: Any, admin: Any, holder: Any, badge: Any
) -> None:
    helper = await badge("verified_hours", 1000, name="Helper of the year")
    ada = actor_of(admin, Role.HUB_ADMIN)
    award = await awards.award_by_hand(
        actor=ada, badge_class_id=helper.id, member_id=holder.member.id
    )
    assert award.awarded_by_id == admin.member.id
    audited = AuditEvent.filter(hub_id=hub.id, action="badge.award")
    assert await audited.count() == 1
    with pytest.raises(DomainError) as caught:
        await awards.award_by_hand(actor=ada, badge_class_id=helper.id, member_id=holder.member.id)
    assert caught.value.code == E.ALREADY_AWARDED
    assert await Award.filter(badge_class_id=helper.id).count() == 1
    assert await audited.count() == 1
    # and: a member who is not a hub admin cannot award at all
    with pytest.raises(DomainError) as denied:
        await awards.award_by_hand(
            actor=actor_of(holder), badge_class_id=helper.id, member_id=holder.member.id
        )
    assert denied.value.code == E.FORBIDDEN


async def test_revocation_is_audited_with_its_reason_and_never_undone_by_the_engine(
    hub: Any, admin: Any, holder: Any, badge: Any, records: Records
) -> None:
    first = await badge("verified_hours", 1)
    await records.hours(holder, 60)
    ada = actor_of(admin, Role.HUB_ADMIN)
    # when: revoking a badge the holder never had
    with pytest.raises(DomainError) as never:
        await awards.revoke(
            actor=ada, badge_class_id=first.id, member_id=holder.member.id, reason="Mistake"
        )
    assert never.value.code == E.NOT_AWARDED
    assert not await AuditEvent.filter(hub_id=hub.id, action="badge.revoke").exists()
    # when: it is awarded, then revoked
    await awards.award_by_rule(first)
    revoked = await awards.revoke(
        actor=ada, badge_class_id=first.id, member_id=holder.member.id, reason="Hours disputed"
    )
    assert revoked.revoked_at is not None and revoked.revocation_reason == "Hours disputed"
    [event] = await AuditEvent.filter(hub_id=hub.id, action="badge.revoke")
    assert event.actor_id == admin.member.id and event.data["reason"] == "Hours disputed"
    # then: revoking again is an error; the recompute does not give it back
    with pytest.raises(DomainError) as again:
        await awards.revoke(
            actor=ada, badge_class_id=first.id, member_id=holder.member.id, reason="Twice"
        )
    assert again.value.code == E.ALREADY_REVOKED
    await recompute.recompute_hub(hub.id)
    assert await Award.filter(badge_class_id=first.id).count() == 1
    assert (await Award.get(badge_class_id=first.id)).revoked_at is not None
    assert orjson.loads(orjson.dumps(event.data))["member_id"] == holder.member.id


async def test_telling_cut_off_after_a_chunk_is_finished_by_the_next_run_once_each(
    hub: Any, records: Records, make_person: Any
) -> None:
    # given: five members with a first verified hour, awarded by the recompute, told of none
    people = [await make_person(display_name=f"P{i}") for i in range(5)]
    for person in people:
        await records.hours(person, 60)
    await recompute.recompute_hub(hub.id)
    awarded = Award.filter(hub_id=hub.id)
    assert await awarded.count() == 5
    # when: a run tells one chunk of two and dies (its transaction committed), then a full run
    assert await notify.tell_chunk(hub.id, chunk=2) == 2
    assert await awarded.filter(notified_at__isnull=True).count() == 3
    assert await notify.tell_holders(hub_id=hub.id) == 3
    # then: everyone told exactly once; a further run finds nothing
    told = await Notification.filter(hub_id=hub.id, kind=NotificationKind.BADGE_AWARDED)
    assert sorted(n.member_id for n in told) == sorted(p.member.id for p in people)
    assert await notify.tell_holders(hub_id=hub.id) == 0
