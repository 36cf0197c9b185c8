"""The daily cap's count: how many notifications each member was told now on their hub's day.

Read from notification_told_day (migration 0058), which a trigger on notification keeps for
every writer: its primary key probed per member, whatever the statistics of the notification
table say (counting notification rows, a planner that thought the table empty
read the hub's whole day once per member: 6.9 s a batch of 20).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from app.hubs.models import Hub

KEPT_DAYS = 2  # today and yesterday in every time zone; older days are deleted
# A join, not `member_id = ANY($3)`: with statistics that say the table is empty the planner
# scans it, and each row compared with a parameter array of ~3,000 members one by one cost
# 100 ms a batch; joined, a scan is hashed (or the key probed once per member).
_TOLD = (
    "SELECT d.member_id, d.told FROM unnest($3::bigint[]) AS m(id)"
    " JOIN notification_told_day d ON d.hub_id = $1 AND d.day = $2 AND d.member_id = m.id"
)
_FORGET = "DELETE FROM notification_told_day WHERE day < $1"


async def told_today(
    conn: BaseDBAsyncClient, hub: Hub, members: list[int], now: datetime
) -> dict[int, int]:
    """How many notifications each of `members` was told now on the hub's day of `now` (0
    included)."""
    day = now.astimezone(ZoneInfo(hub.timezone)).date()
    rows = await conn.execute_query_dict(_TOLD, [hub.id, day, members])
    return {m: 0 for m in members} | {r["member_id"]: r["told"] for r in rows}


async def forget_old_days(now: datetime | None = None) -> int:
    """Deletes the counts of days no hub's cap reads any more; returns how many."""
    oldest = ((now or datetime.now(UTC)) - timedelta(days=KEPT_DAYS)).date()
    rows, _ = await Tortoise.get_connection("default").execute_query(_FORGET, [oldest])
    return int(rows)
