"""The daily cap's count (migration 0058): notifications told now per member and local day of
the hub, kept by a trigger for every writer and read by primary key."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from app.hubs.models import Hub
from app.matching import caps
from app.matching.models import Delivery, Notification, NotificationKind

COUNTS = "SELECT day, member_id, told FROM notification_told_day WHERE hub_id = $1 ORDER BY 1, 2"


async def _counts(hub_id: int) -> list[tuple[Any, int, int]]:
    rows = await Tortoise.get_connection("default").execute_query_dict(COUNTS, [hub_id])
    return [(r["day"], r["member_id"], r["told"]) for r in rows]


async def _tell(hub: Any, member: Any, delivery: Delivery, at: datetime) -> None:
    await Notification.create(
        hub_id=hub.id,
        member_id=member.id,
        kind=NotificationKind.BADGE_AWARDED,
        title="t",
        delivery=delivery,
        created_at=at,
    )


async def test_told_now_is_counted_by_the_hubs_local_day_whoever_writes(
    hub: Any, make_person: Any
) -> None:
    # given: a hub in Auckland (UTC+13 in December) and two members
    await Hub.filter(id=hub.id).update(timezone="Pacific/Auckland")
    hub = await Hub.get(id=hub.id)
    ann, ben = (await make_person()).member, (await make_person()).member
    late = datetime(2026, 1, 10, 10, 30, tzinfo=UTC)  # 23:30 on 10 January in Auckland
    # when: notifications told now at 23:30 and 00:30 local time, and one for the digest
    await _tell(hub, ann, Delivery.NOW, late)
    await _tell(hub, ann, Delivery.NOW, late + timedelta(hours=1))
    await _tell(hub, ann, Delivery.DIGEST, late)
    await Notification.bulk_create(
        [
            Notification(
                hub_id=hub.id, member_id=m.id, kind=NotificationKind.BADGE_AWARDED, title="t"
            )
            for m in (ann, ben, ben)
        ]
    )
    # then: each local day counts its own, the digest row is not counted
    today = datetime.now(UTC)
    local_today = today.astimezone(caps.ZoneInfo(hub.timezone)).date()
    assert await _counts(hub.id) == sorted(
        [
            (late.date(), ann.id, 1),
            (late.date() + timedelta(days=1), ann.id, 1),
            (local_today, ann.id, 1),
            (local_today, ben.id, 2),
        ]
    )
    conn = Tortoise.get_connection("default")
    assert await caps.told_today(conn, hub, [ann.id, ben.id, 999_999], late) == {
        ann.id: 1,
        ben.id: 0,
        999_999: 0,
    }
    assert await caps.told_today(conn, hub, [ben.id], today) == {ben.id: 2}


async def test_days_no_cap_reads_are_forgotten(hub: Any, make_person: Any) -> None:
    # given: counts from three days ago, yesterday and today
    ann = (await make_person()).member
    now = datetime.now(UTC)
    for days in (3, 1, 0):
        await _tell(hub, ann, Delivery.NOW, now - timedelta(days=days))
    # when: matching's housekeeping runs
    forgotten = await caps.forget_old_days(now)
    # then: the day three days ago is gone (with any other hub's of that age), not the others
    assert forgotten >= 1
    kept = [day for day, _, _ in await _counts(hub.id)]
    assert kept == [(now - timedelta(days=d)).date() for d in (1, 0)]
