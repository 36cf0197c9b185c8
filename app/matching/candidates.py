"""Who a batch of newly published opportunities suits: one statement for the whole batch.

The opportunities, their skills, required checks and H3 rings come in as arrays (`unnest`).
Skill holders in reach are read from member_skill_reach alone (migrations 0035 and 0057:
member_skill carries a trigger-kept copy of its member's home cell, position, travel
distance, date of birth, weekly timetable and whether they can be told at all): one index-only
range per (listing, skill, ring cell), only the holders who travel at least as far as the
cell's nearest point, and of those only the ones old enough and free at the start (a member
with a weekly timetable that has no slot for it is not asked). Then, still in SQL: the exact
travel distance, the poster, applicants and required checks; the shortlist is the nearest
CH_MATCHING_CANDIDATES who pass all of it, and the member table is read for the shortlist
alone.
Python then ranks them and applies what depends on the member's clock and the day's count
(service.py).
"""

import asyncio
import contextvars
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import h3
import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.config import get_settings
from app.matching.explain import part_of_day, why_of
from app.opportunities import geo
from app.opportunities.models import Opportunity

WORK_MEM = "64MB"  # a share's candidates are sorted and grouped in memory, not on disk
MAX_RING_KM = 10.0  # home cells are resolution 8: wider reach needs a coarser member cell
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class Candidate:
    member_id: int
    email: str | None
    prefs: dict[str, Any]
    distance_km: float | None
    skills: list[str]
    reliability: int
    travel_km: int
    slot: str = ""
    score: float = 0.0
    when: tuple[int, str] | None = None  # (ISO weekday, part of day) of the slot, if any
    # The skills' names in other languages, where the hub admins translated them.
    skill_translations: list[dict[str, str]] = field(default_factory=list)
    locale: str | None = None  # the member's chosen language
    exempt: bool = False  # urgent and among the nearest: told now even over the daily cap

    @property
    def in_app(self) -> bool:
        return bool(self.prefs.get("in_app", True))

    @property
    def by_email(self) -> bool:
        return bool(self.email) and bool(self.prefs.get("email", True))


@dataclass
class Listing:
    """One opportunity of the batch with what matching needs of it."""

    opportunity: Opportunity
    skill_ids: list[int]
    zone: ZoneInfo
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def located(self) -> bool:
        o = self.opportunity
        return not o.remote and o.lat is not None and o.lng is not None

    @property
    def slot(self) -> str:
        """The wording of a timetable slot that holds the start ('free on Monday afternoons')."""
        starts = self.opportunity.starts_at
        if starts is None:
            return ""
        local = starts.astimezone(self.zone)
        part = "mornings" if local.hour < 12 else "afternoons" if local.hour < 18 else "evenings"
        return f"free on {DAYS[local.isoweekday() - 1]} {part}"

    @property
    def when(self) -> tuple[int, str] | None:
        """The slot as data: (ISO weekday, 'morning' | 'afternoon' | 'evening') in hub time."""
        starts = self.opportunity.starts_at
        if starts is None:
            return None
        local = starts.astimezone(self.zone)
        return (local.isoweekday(), part_of_day(local.hour))


def born_before(min_age: int) -> date:
    today = date.today()
    try:
        return today.replace(year=today.year - min_age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - min_age, day=28)


_DISTANCE = geo.haversine_sql("o.lat", "o.lng", alias="m", columns=("home_lat", "home_lng"))
# Who may be a candidate at all, on the member row: old enough, told somehow (in the app or
# by email), free at the start if they keep a weekly timetable. member_skill_reach carries the
# same (migration 0057: matchable, born_on, free_minutes), for the holders of a skill.
_ELIGIBLE = """(o.born_before IS NULL OR m.date_of_birth <= o.born_before)
     AND (coalesce((m.notification_prefs->>'in_app')::boolean, true)
          OR coalesce((m.notification_prefs->>'email')::boolean, true))
     AND (o.dow IS NULL OR coalesce(jsonb_array_length(m.availability), 0) = 0
          OR EXISTS (SELECT 1 FROM jsonb_array_elements(m.availability) a
                      WHERE (a->>'weekday')::int = o.dow AND (a->>'from')::time <= o.at
                        AND o.at < (a->>'to')::time))"""

# $1 hub; $2.. the batch as parallel arrays; $10/$11 (opportunity, skill) pairs; $12/$13
# (opportunity, check kind) pairs; $14/$15/$17 (opportunity, ring cell, whole km from the
# listing to the cell's nearest point) triples of the listings with skills; $16 the limit;
# $18/$19 (opportunity, ring cell) of the located listings without skills. Two rings, not one
# with `NOT EXISTS (skills)` in the skill-less branch: the planner read every member of every
# ring cell there before that test, 0.9 s for a batch of two listings that both had skills.
# `pairs` reads only member_skill_reach (index-only), listings without skills the members of
# their ring (member_active_cell); the skill holders' member rows are read for the kept
# shortlist alone (at most $16 per opportunity).
_SQL = f"""
WITH o AS (
  SELECT *, (dow - 1) * 1440 + extract(hour FROM at)::int * 60 + extract(minute FROM at)::int
              AS mow  -- the start's minute of the (ISO) week, as member_skill.free_minutes
    FROM unnest($2::bigint[], $3::bigint[], $4::float8[], $5::float8[], $6::date[],
                $7::int[], $8::time[], $9::int[])
      AS o(oid, poster, lat, lng, born_before, dow, at, nchecks)
), os AS (
  SELECT * FROM unnest($10::bigint[], $11::bigint[]) AS t(oid, skill_id)
), oc AS (
  SELECT * FROM unnest($12::bigint[], $13::text[]) AS t(oid, kind)
), ring AS (
  SELECT * FROM unnest($14::bigint[], $15::text[], $17::int[]) AS t(oid, cell, near)
), bare_ring AS (
  SELECT * FROM unnest($18::bigint[], $19::text[]) AS t(oid, cell)
@@PAIRS@@), skilled AS (
  SELECT oid, mid, km, skill_ids FROM pairs
  UNION ALL  -- located listings without skills: everyone in reach
  SELECT ring.oid, m.id, {_DISTANCE}, '{{}}'::bigint[]
    FROM bare_ring ring JOIN o ON o.oid = ring.oid
    JOIN member m ON m.hub_id = $1 AND m.status = 'active' AND m.home_cell = ring.cell
   WHERE NOT m.is_proxy AND m.id <> o.poster AND {_DISTANCE} <= m.travel_km AND {_ELIGIBLE}
  UNION ALL  -- remote (or unplaced) listings with skills: every holder
  SELECT os.oid, ms.member_id, NULL::float8, array_agg(os.skill_id)
    FROM os JOIN o ON o.oid = os.oid AND o.lat IS NULL
    JOIN member_skill ms ON ms.hub_id = $1 AND ms.skill_id = os.skill_id
    JOIN member m ON m.id = ms.member_id AND m.hub_id = $1 AND m.status = 'active'
   WHERE NOT m.is_proxy AND m.id <> o.poster AND {_ELIGIBLE}
   GROUP BY 1, 2
  UNION ALL  -- remote listings without skills: every member
  SELECT o.oid, m.id, NULL::float8, '{{}}'::bigint[] FROM o
    JOIN member m ON m.hub_id = $1 AND m.status = 'active'
   WHERE o.lat IS NULL AND NOT EXISTS (SELECT 1 FROM os WHERE os.oid = o.oid)
     AND NOT m.is_proxy AND m.id <> o.poster AND {_ELIGIBLE}
), applied AS (  -- read once for the batch (a new listing has few applications, if any)
  SELECT a.opportunity_id AS oid, a.applicant_id AS mid FROM application a
   WHERE a.hub_id = $1 AND a.opportunity_id = ANY($2::bigint[])
), ranked AS (
  SELECT s.*, row_number() OVER (PARTITION BY s.oid ORDER BY s.km ASC NULLS LAST, s.mid) AS n
    FROM skilled s JOIN o ON o.oid = s.oid
   WHERE NOT EXISTS (SELECT 1 FROM applied a WHERE a.oid = s.oid AND a.mid = s.mid)
     AND (o.nchecks = 0 OR (
          SELECT count(DISTINCT tc.kind) FROM trust_check tc JOIN oc ON oc.kind = tc.kind
           WHERE oc.oid = s.oid AND tc.hub_id = $1 AND tc.member_id = s.mid
             AND tc.status = 'verified'
             AND (tc.expires_on IS NULL OR tc.expires_on >= current_date)) = o.nchecks)
), kept AS (
  SELECT r.oid, r.mid, r.km, r.skill_ids, m.email, m.notification_prefs AS prefs, m.travel_km,
         m.locale,
         coalesce(jsonb_array_length(m.availability) > 0, false) AS timetabled
    FROM ranked r JOIN member m ON m.id = r.mid
   WHERE r.n <= $16
), reliability AS (
  SELECT h.volunteer_id AS mid, count(*)::int AS n FROM hours_record h
   WHERE h.hub_id = $1 AND h.status = 'verified'
     AND h.volunteer_id IN (SELECT DISTINCT mid FROM kept)
   GROUP BY 1
)
SELECT k.oid, k.mid, k.km, k.email, k.prefs, k.travel_km, k.timetabled, k.locale, k.skill_ids,
       coalesce(rl.n, 0) AS reliability
  FROM kept k LEFT JOIN reliability rl ON rl.mid = k.mid
"""


# Located listings with skills: the holders of each listing's skills whose home is in its
# ring, read from member_skill_reach (hub, skill, home cell, travel distance, with the member's
# position, birth date and timetable) as index-only ranges, one per (listing, skill, ring cell): a
# listing needing one skill in a dense 10 km ring reads a few thousand entries and never the
# member table; of a cell 6 km away, only the holders who travel 6 km or more.
_REACH = """), pairs AS (
  SELECT w.oid, ms.member_id AS mid, @@D@@ AS km, array_agg(w.skill_id) AS skill_ids
    FROM (SELECT os.oid, os.skill_id, ring.cell, ring.near
            FROM os JOIN ring ON ring.oid = os.oid) w
    JOIN member_skill ms ON ms.hub_id = $1 AND ms.skill_id = w.skill_id
                        AND ms.home_cell = w.cell AND ms.travel_km >= w.near AND ms.matchable
    JOIN o ON o.oid = w.oid
   WHERE ms.member_id <> o.poster AND @@D@@ <= ms.travel_km
     AND (o.born_before IS NULL OR ms.born_on <= o.born_before)
     AND (o.mow IS NULL OR ms.free_minutes IS NULL OR ms.free_minutes @> o.mow)
   GROUP BY 1, 2, 3
"""
_SQL = _SQL.replace(
    "@@PAIRS@@",
    _REACH.replace(
        "@@D@@", geo.haversine_sql("o.lat", "o.lng", alias="ms", columns=("home_lat", "home_lng"))
    ),
)


# No point of a resolution-8 cell lies farther than this from the cell's centre (0.585 km at
# most over 5,882 cells sampled worldwide; the margin only costs entries read, never a member).
_CELL_RADIUS_KM = 1.0


def _ring(lat: float, lng: float) -> list[tuple[str, int]]:
    """The listing's ring (resolution 8, MAX_RING_KM) with, for each cell, a whole number of
    km no farther than its nearest point: who travels less cannot reach anything there."""
    ring = []
    for cell in geo.cells_within(lat, lng, MAX_RING_KM, 8):
        centre_km = geo.distance_km(lat, lng, *h3.cell_to_latlng(cell))
        ring.append((cell, max(0, math.floor(centre_km - _CELL_RADIUS_KM))))
    return ring


def _params(hub_id: int, listings: list[Listing]) -> list[Any]:
    oids, posters, lats, lngs, ages, dows, ats, nchecks = ([] for _ in range(8))
    skill_pairs: tuple[list[int], list[int]] = ([], [])
    check_pairs: tuple[list[int], list[str]] = ([], [])
    ring_pairs: tuple[list[int], list[str], list[int]] = ([], [], [])
    bare_ring: tuple[list[int], list[str]] = ([], [])
    for listing in listings:
        o = listing.opportunity
        oids.append(o.id)
        posters.append(o.poster_id)  # type: ignore[attr-defined]
        lats.append(o.lat if listing.located else None)
        lngs.append(o.lng if listing.located else None)
        ages.append(born_before(o.min_age) if o.min_age else None)
        local = o.starts_at.astimezone(listing.zone) if o.starts_at else None
        dows.append(local.isoweekday() if local else None)
        ats.append(local.time().replace(tzinfo=None) if local else None)
        checks = sorted(set(o.required_checks or []))
        nchecks.append(len(checks))
        for skill_id in listing.skill_ids:
            skill_pairs[0].append(o.id)
            skill_pairs[1].append(skill_id)
        for kind in checks:
            check_pairs[0].append(o.id)
            check_pairs[1].append(kind)
        if listing.located and listing.skill_ids:
            for cell, near in _ring(o.lat, o.lng):  # type: ignore[arg-type]
                ring_pairs[0].append(o.id)
                ring_pairs[1].append(cell)
                ring_pairs[2].append(near)
        elif listing.located:
            for cell, _ in _ring(o.lat, o.lng):  # type: ignore[arg-type]
                bare_ring[0].append(o.id)
                bare_ring[1].append(cell)
    return [
        hub_id,
        oids,
        posters,
        lats,
        lngs,
        ages,
        dows,
        ats,
        nchecks,
        *skill_pairs,
        *check_pairs,
        ring_pairs[0],
        ring_pairs[1],
        get_settings().matching_candidates,
        ring_pairs[2],
        *bare_ring,
    ]


def _json(value: Any) -> Any:
    """asyncpg hands json columns over as text."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


# The batch's skills, in the order the candidates' skills are listed (by name, as the
# database sorts).
_SKILLS = (
    "SELECT id, name, coalesce(name_translations, '{}'::jsonb)::text AS names FROM skill"
    " WHERE hub_id = $1 AND id = ANY($2::bigint[]) ORDER BY name, id"
)


async def _skills(
    conn: BaseDBAsyncClient, hub_id: int, listings: list[Listing]
) -> dict[int, tuple[int, str, dict[str, str]]]:
    """Each skill of the batch: (place in name order, name, translations)."""
    ids = sorted({s for listing in listings for s in listing.skill_ids})
    if not ids:
        return {}
    rows = await conn.execute_query_dict(_SKILLS, [hub_id, ids])
    return {r["id"]: (n, r["name"], _json(r["names"]) or {}) for n, r in enumerate(rows)}


async def find_in_parts(outside: contextvars.Context, hub_id: int, listings: list[Listing]) -> None:
    """find_candidates for the batch in CH_MATCHING_PARTS shares at once, each in a read-only
    transaction of its own (`outside`: a context whose connection is the pool, not the batch's
    transaction, which would run them one after the other on its one connection)."""
    parts = max(1, get_settings().matching_parts)
    shares = [listings[i::parts] for i in range(parts) if listings[i::parts]]
    await asyncio.gather(
        *(asyncio.create_task(_find_apart(hub_id, s), context=outside.copy()) for s in shares)
    )


async def _find_apart(hub_id: int, listings: list[Listing]) -> None:
    async with in_transaction() as conn:
        await conn.execute_query("SET TRANSACTION READ ONLY")
        await conn.execute_query(f"SET LOCAL work_mem = '{WORK_MEM}'")
        await find_candidates(conn, hub_id, listings)


async def find_candidates(conn: BaseDBAsyncClient, hub_id: int, listings: list[Listing]) -> None:
    """Fills each listing's `candidates` (unranked) from one statement for the whole batch."""
    if not listings:
        return
    named = await _skills(conn, hub_id, listings)
    by_id = {listing.opportunity.id: listing for listing in listings}
    slots = {oid: listing.slot for oid, listing in by_id.items()}
    whens = {oid: listing.when for oid, listing in by_id.items()}
    prefs: dict[int, dict[str, Any]] = {}
    for row in await conn.execute_query_dict(_SQL, _params(hub_id, listings)):
        mid = row["mid"]
        if mid not in prefs:
            prefs[mid] = _json(row["prefs"]) or {}
        held = sorted((named[s] for s in row["skill_ids"] if s in named), key=lambda k: k[0])
        by_id[row["oid"]].candidates.append(
            Candidate(
                member_id=mid,
                email=row["email"],
                prefs=prefs[mid],
                distance_km=row["km"],
                skills=[name for _, name, _ in held],
                skill_translations=[names for _, _, names in held],
                reliability=row["reliability"],
                travel_km=row["travel_km"],
                slot=slots[row["oid"]] if row["timetabled"] else "",
                when=whens[row["oid"]] if row["timetabled"] else None,
                locale=row["locale"],
            )
        )


def reason(candidate: Candidate) -> str:
    parts = []
    if candidate.skills:
        parts.append("you know " + " and ".join(s.lower() for s in candidate.skills[:2]))
    if candidate.distance_km is not None:
        parts.append(f"{candidate.distance_km:.1f} km away")
    if candidate.slot:
        parts.append(candidate.slot)
    return ", ".join(parts) or "it matches your preferences"


def why(candidate: Candidate) -> dict[str, Any]:
    """The reasons as data (app/matching/explain.py writes them in the reader's language)."""
    return why_of(
        skills=candidate.skills,
        distance_km=candidate.distance_km,
        when=candidate.when,
        translations=candidate.skill_translations,
    )


def score(candidate: Candidate) -> float:
    near = (
        0.5
        if candidate.distance_km is None
        else 1 - candidate.distance_km / max(1, candidate.travel_km)
    )
    return (
        len(candidate.skills) * 3
        + near * 2
        + min(candidate.reliability, 10) / 10
        + (0.5 if candidate.slot else 0)
    )
