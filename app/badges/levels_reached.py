"""Telling holders of the levels they reach (issue 16): levels are computed when read
(app/badges/levels.py), so crossing one is noticed where an award is told, by the notify job
(app/badges/notify.py), whatever gave the award (an event, the nightly recompute, a hub admin).

In the chunk's transaction, for the holders of the awards it tells: their points now (badges not
revoked) against the hub's levels; every level reached and not recorded yet gets a
badge_level_reached row (unique per holder and level, INSERT ... ON CONFLICT DO NOTHING: a
concurrent chunk telling another award of the same holder waits for ours, then writes nothing).
Of the levels a holder reaches at once, only the HIGHEST is told (one notification, like the
award's: at most one per member and `data.once`); the lower ones are recorded untold
(`told` false), so they are never told later. Levels at 0 points are where everyone starts:
never told. A revocation leaves the rows, so reaching a level again tells nothing.
"""

from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from app.i18n import _
from app.matching.models import NotificationKind

TITLE = _("You reached the level “{level}”")
ORG_TITLE = _("{organisation} reached the level “{level}”")
REASON = _("{points} points from badges.")

# The taken awards' holders, their points now, each level they reach and have no row for.
_REACH = """
WITH h AS (
    SELECT DISTINCT a.holder_kind, a.member_id, a.organisation_id FROM badge_award a
     WHERE a.id = ANY($1::bigint[])
), p AS (
    SELECT h.holder_kind, h.member_id, h.organisation_id, sum(b.points) AS points
      FROM h JOIN badge_award a ON a.hub_id = $2 AND a.member_id = h.member_id
      JOIN badge_class b ON b.id = a.badge_class_id
     WHERE a.revoked_at IS NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT h.holder_kind, h.member_id, h.organisation_id, sum(b.points)
      FROM h JOIN badge_award a ON a.hub_id = $2 AND a.organisation_id = h.organisation_id
      JOIN badge_class b ON b.id = a.badge_class_id
     WHERE a.revoked_at IS NULL GROUP BY 1, 2, 3
)
INSERT INTO badge_level_reached (hub_id, level_id, holder_kind, member_id, organisation_id,
    points, told, created_at)
SELECT $2, l.id, p.holder_kind, p.member_id, p.organisation_id, p.points, false, $3
  FROM p JOIN badge_level l ON l.hub_id = $2 AND l.min_points > 0 AND l.min_points <= p.points
 ORDER BY p.member_id, p.organisation_id, l.min_points  -- one lock order for concurrent chunks
ON CONFLICT DO NOTHING
RETURNING id, level_id, member_id, organisation_id
"""
# One notification per member told of each level reached: the holder, or an organisation's
# owners and admins.
_STORE = """
INSERT INTO notification (hub_id, member_id, kind, title, reason, delivery, score, data,
    created_at)
SELECT r.hub_id, t.member_id, $2,
       left(CASE WHEN r.member_id IS NOT NULL THEN format($3, l.name)
                 ELSE format($4, o.name, l.name) END, 200),
       format($5, r.points), 'now', 0,
       jsonb_build_object('level_id', l.id, 'once', 'badge-level:' || r.id, 'texts',
         jsonb_build_object(
           'title', CASE WHEN r.member_id IS NOT NULL
             THEN jsonb_build_object('msgid', $7::text,
                                     'params', jsonb_build_object('level', l.name))
             ELSE jsonb_build_object('msgid', $8::text, 'params',
                    jsonb_build_object('organisation', o.name, 'level', l.name)) END,
           'reason', jsonb_build_object('msgid', $9::text, 'params',
                       jsonb_build_object('points', r.points)))), $6
FROM badge_level_reached r
JOIN badge_level l ON l.id = r.level_id AND l.hub_id = r.hub_id
LEFT JOIN organisation o ON o.id = r.organisation_id AND o.hub_id = r.hub_id
JOIN LATERAL (
    SELECT r.member_id AS member_id WHERE r.member_id IS NOT NULL
    UNION
    SELECT om.member_id FROM organisation_member om
     WHERE r.organisation_id IS NOT NULL AND om.organisation_id = r.organisation_id
       AND om.hub_id = r.hub_id AND om.role IN ('owner', 'admin')
) t ON true
WHERE r.id = ANY($1::bigint[])
ON CONFLICT (hub_id, member_id, (data->>'once')) WHERE data ? 'once' DO NOTHING
RETURNING id, member_id, title, reason, data
"""


async def tell_levels(
    conn: BaseDBAsyncClient, *, hub_id: int, award_ids: list[int], now: datetime
) -> list[dict[str, Any]]:
    """Records the levels the awards' holders reach and stores the notifications of the
    highest new one per holder, in the caller's transaction. Returns the notifications
    (id, member_id, title, reason) for the emails and the live announcement."""
    reached = await conn.execute_query_dict(_REACH, [award_ids, hub_id, now])
    if not reached:
        return []
    rows = await conn.execute_query_dict(
        "SELECT id, min_points FROM badge_level WHERE hub_id = $1", [hub_id]
    )
    points = {int(r["id"]): int(r["min_points"]) for r in rows}
    highest: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in reached:
        holder = (r["member_id"], r["organisation_id"])
        best = highest.get(holder)
        if best is None or points[int(r["level_id"])] > points[int(best["level_id"])]:
            highest[holder] = r
    ids = sorted(int(r["id"]) for r in highest.values())
    await conn.execute_query(
        "UPDATE badge_level_reached SET told = true WHERE id = ANY($1::bigint[])", [ids]
    )
    return await conn.execute_query_dict(
        _STORE,
        [
            ids,
            NotificationKind.LEVEL_REACHED.value,
            TITLE.replace("{level}", "%s"),
            ORG_TITLE.replace("{organisation}", "%s").replace("{level}", "%s"),
            REASON.replace("{points}", "%s"),
            now,
            TITLE.msgid,
            ORG_TITLE.msgid,
            REASON.msgid,
        ],
    )
