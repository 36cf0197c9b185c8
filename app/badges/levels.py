"""A holder's standing: the badges they hold (not revoked), their points and level. One
statement for any number of holders (a page of members, a DataLoader's batch). Holders are told
when they reach a level by the notify job (app/badges/levels_reached.py)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import Tortoise

from app.badges.models import HolderKind


@dataclass(frozen=True)
class Held:
    award_id: int
    uid: str
    badge_class_id: int
    slug: str
    name: str
    description: str
    points: int
    awarded_at: datetime


@dataclass(frozen=True)
class Standing:
    points: int = 0
    level: str | None = None
    next_level: str | None = None
    next_level_points: int | None = None
    badges: tuple[Held, ...] = field(default_factory=tuple)


_STANDINGS = """
SELECT k.id AS holder_id, a.id AS award_id, a.uid::text AS uid, a.awarded_at, b.id AS badge_id,
       b.slug, b.name, b.description, b.points
  FROM unnest($2::bigint[]) AS k(id)
  JOIN badge_award a ON a.hub_id = $1 AND a.{column} = k.id AND a.revoked_at IS NULL
  JOIN badge_class b ON b.id = a.badge_class_id AND b.hub_id = a.hub_id
 ORDER BY k.id, a.awarded_at, a.id
"""


async def standings(
    *, hub_id: int, member_ids: list[int] | None = None, organisation_ids: list[int] | None = None
) -> list[Standing]:
    """Each holder's standing, in the order given (members, or organisations)."""
    kind = HolderKind.MEMBER if member_ids is not None else HolderKind.ORGANISATION
    ids = member_ids if member_ids is not None else organisation_ids or []
    if not ids:
        return []
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        _STANDINGS.format(column=f"{kind.value}_id"), [hub_id, ids]
    )
    steps = await conn.execute_query_dict(
        "SELECT name, min_points FROM badge_level WHERE hub_id = $1 ORDER BY min_points", [hub_id]
    )
    held: dict[int, list[Held]] = {i: [] for i in ids}
    for r in rows:
        held[int(r["holder_id"])].append(
            Held(
                award_id=int(r["award_id"]),
                uid=r["uid"],
                badge_class_id=int(r["badge_id"]),
                slug=r["slug"],
                name=r["name"],
                description=r["description"],
                points=int(r["points"]),
                awarded_at=r["awarded_at"],
            )
        )
    return [_standing(held[i], steps) for i in ids]


def _standing(badges: list[Held], steps: list[dict[str, Any]]) -> Standing:
    points = sum(b.points for b in badges)
    reached = [s for s in steps if s["min_points"] <= points]
    ahead = [s for s in steps if s["min_points"] > points]
    return Standing(
        points=points,
        level=reached[-1]["name"] if reached else None,
        next_level=ahead[0]["name"] if ahead else None,
        next_level_points=int(ahead[0]["min_points"]) if ahead else None,
        badges=tuple(badges),
    )
