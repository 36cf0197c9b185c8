"""Opt-in leaderboards: members who chose to appear, ranked by the points of the badges they
earned in a period (revoked ones do not count). Nobody appears without opting in."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.badges.metrics import since_of
from app.badges.models import LeaderboardOptIn, Period

TOP = 50

_BOARD = """
SELECT m.id AS member_id, m.display_name, sum(b.points)::int AS points, count(*)::int AS badges
  FROM leaderboard_opt_in l
  JOIN member m ON m.id = l.member_id AND m.hub_id = l.hub_id AND m.status = 'active'
  JOIN badge_award a ON a.hub_id = l.hub_id AND a.member_id = l.member_id
       AND a.revoked_at IS NULL AND a.awarded_at >= $2
  JOIN badge_class b ON b.id = a.badge_class_id AND b.hub_id = a.hub_id
 WHERE l.hub_id = $1
 GROUP BY m.id, m.display_name
 ORDER BY points DESC, m.id
 LIMIT $3
"""


@dataclass(frozen=True)
class Entry:
    rank: int
    member_id: int
    display_name: str
    points: int
    badges: int


async def set_opt_in(*, actor: Actor, opted_in: bool) -> bool:
    """The member joins (or leaves) the hub's leaderboards."""
    async with in_transaction():
        if opted_in:
            await LeaderboardOptIn.get_or_create(hub_id=actor.hub_id, member_id=actor.member_id)
        else:
            await LeaderboardOptIn.filter(hub_id=actor.hub_id, member_id=actor.member_id).delete()
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="leaderboard.opt_in" if opted_in else "leaderboard.opt_out",
            object_type="Member",
            object_id=actor.member_id,
        )
    return opted_in


async def leaderboard(
    *, hub_id: int, period: Period = Period.ALL_TIME, top: int = TOP, now: datetime | None = None
) -> list[Entry]:
    since = since_of(period, now or datetime.now(UTC)) or datetime(1970, 1, 1, tzinfo=UTC)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _BOARD, [hub_id, since, min(max(top, 1), TOP)]
    )
    return [
        Entry(i + 1, int(r["member_id"]), r["display_name"], int(r["points"]), int(r["badges"]))
        for i, r in enumerate(rows)
    ]
