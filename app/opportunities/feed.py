"""The recommended feed: open opportunities that suit the signed-in member, best first.

Eligibility is a filter (not theirs, not applied to, checks held, old enough, within their
travel distance of home or remote); suitability is a score: shared skills, nearness, being
free at that time (their weekly availability, in the hub's time zone), and urgency, in that
order of weight. Only the CANDIDATES nearest listings within reach (and remote ones) are
ranked, found index-only in the cell indexes: the cost per request stays bounded in a dense city.
"""

import functools
from collections.abc import Callable
from datetime import date, time
from typing import Any

from app.actor import Actor
from app.opportunities import geo
from app.opportunities.search import Results, Sql
from app.people.checks import valid_checks_sql

MAX_FEED = 500  # the feed is a shortlist, not the catalogue: search covers the rest
# Listings ranked per request: the nearest within reach (plus remote ones), else the newest.
# Ranking every listing within 20 km of a dense city centre costs tens of thousands of rows.
CANDIDATES = 200
BANDS_KM = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0)
# Each band's outer edge (the last: up to the longest travel distance) and the cell column
# (resolution) whose ring of cells covers it in at most geo.MAX_RING steps, as geo.ring picks.
SLOTS = (
    (1.0, "cell8", 8),
    (2.0, "cell8", 8),
    (5.0, "cell8", 8),
    (10.0, "cell6", 6),
    (20.0, "cell6", 6),
    (50.0, "cell6", 6),
    (geo.MAX_KM, "cell4", 4),
)
SKILL_WEIGHT = 10
# Homes whose band cells a process keeps (each ~30 KB: ~480 cells within 20 km).
CELL_CACHE = 1024
# What ranking a candidate reads: all of it is in the feed cell indexes and the feed remote
# index (migrations/0024), so the candidates are found and ranked without visiting the table.
CANDIDATE_COLUMNS = (
    "id",
    "lat",
    "lng",
    "poster_id",
    "expires_at",
    "min_age",
    "required_checks",
    "remote",
    "starts_at",
    "urgency",
    "skill_ids",
)
Value = Callable[[Any, str], str]  # a parameter of the statement and its SQL type


def _age(born: date | None) -> int | None:
    if born is None:
        return None
    today = date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _available(value: Value, slots: list[dict[str, Any]], zone: str) -> str:
    """1 when the opportunity starts inside one of the member's weekly slots, else 0 (0.5 when
    it has no start or the member no slots). The slots are three array parameters, so the
    statement's text is the same however many slots a member has."""
    local = f"(c.starts_at AT TIME ZONE {zone})"  # the hub's wall clock
    days = value([int(s["weekday"]) for s in slots], "int[]")
    starts = value([time.fromisoformat(s["from"]) for s in slots], "time[]")
    ends = value([time.fromisoformat(s["to"]) for s in slots], "time[]")
    return (
        f"CASE WHEN cardinality({days}) = 0 OR c.starts_at IS NULL THEN 0.5"
        f" WHEN EXISTS (SELECT 1 FROM unnest({days}, {starts}, {ends})"
        f" AS slot(day, starts, ends) WHERE extract(isodow FROM {local}) = slot.day"
        f" AND {local}::time >= slot.starts AND {local}::time < slot.ends)"
        " THEN 1 ELSE 0 END"
    )


async def recommended(*, actor: Actor) -> Results:
    """The viewer's feed (lazy: slice it); at most MAX_FEED items."""
    return build(actor=actor)


def build(*, actor: Actor) -> Results:
    """The feed's statement: the member (home, travel distance, availability, age) as loaded
    with the access token; their checks, skills and applications read by the statement
    itself (InitPlans), so the feed is one statement, for the interpreter and for the
    compiled plan alike.

    The candidates carry every column the eligibility and the score read (CANDIDATE_COLUMNS,
    which the feed cell indexes include: migrations/0024), so ranking them visits no table
    row; only the page's rows are read from the table, by the caller."""
    member = actor.member
    sql = Sql()

    def value(given: Any, cast: str) -> str:
        """A parameter as an InitPlan: PostgreSQL's estimates then never depend on the
        member (not on their empty bands, home or age), so its custom plans cost what the
        generic plan costs plus planning, and after five custom plans per connection it keeps
        the generic one (plan_cache_mode auto), for every member alike."""
        return f"(SELECT {sql.param(given)}::{cast})"

    me = value(member.id, "bigint")
    hub = value(actor.hub_id, "bigint")
    sql.add("(c.expires_at IS NULL OR c.expires_at > now())")
    sql.add(f"c.poster_id <> {me}")
    # Their applications, read once (a hashed SubPlan), not probed once per candidate.
    sql.add(
        "c.id NOT IN (SELECT a.opportunity_id FROM application a"
        f" WHERE a.hub_id = {hub} AND a.applicant_id = {me})"
    )
    checks = valid_checks_sql(hub=hub, member=me, param=lambda day: value(day, "date"))
    sql.add(f"c.required_checks <@ {checks}")
    # No age known: `c.min_age <= NULL` is unknown, so only listings without a minimum age.
    sql.add(f"(c.min_age IS NULL OR c.min_age <= {value(_age(member.date_of_birth), 'int')})")
    nearness = "0.5"
    open_here = f"o.hub_id = {hub} AND o.status = 'published'"
    columns = ", ".join(f"o.{c}" for c in CANDIDATE_COLUMNS)
    candidates = (
        f"SELECT {columns} FROM opportunity o WHERE {open_here}"
        f" ORDER BY o.published_at DESC, o.id DESC LIMIT {CANDIDATES}"
    )
    if member.home_lat is not None and member.home_lng is not None:
        reach = float(max(member.travel_km, 1))
        lat, lng = value(member.home_lat, "float8"), value(member.home_lng, "float8")
        near = _nearest_first(
            value,
            open_here,
            columns,
            geo.haversine_sql(lat, lng),
            (member.home_lat, member.home_lng),
            reach,
        )
        candidates = (
            f"(SELECT * FROM ({near}) AS near LIMIT {CANDIDATES})"
            f" UNION ALL (SELECT {columns} FROM opportunity o WHERE {open_here} AND o.remote"
            f" ORDER BY o.published_at DESC, o.id DESC LIMIT {CANDIDATES})"
        )
        distance = geo.haversine_sql(lat, lng, alias="c")
        nearness = f"CASE WHEN c.remote THEN 0.5 ELSE 1 - {distance} / {value(reach, 'float8')} END"
    mine = (  # the member's skills, read once by the statement (an InitPlan)
        f"ARRAY(SELECT ms.skill_id FROM member_skill ms WHERE ms.hub_id = {hub}"
        f" AND ms.member_id = {me})"
    )
    # Counted only where the arrays overlap at all (one cheap test for the other candidates).
    shared = (
        f"CASE WHEN c.skill_ids && {mine} THEN (SELECT count(*) FROM unnest(c.skill_ids)"
        f" AS k(skill_id) WHERE k.skill_id = ANY({mine})) ELSE 0 END"
    )
    zone = f"(SELECT h.timezone FROM hub h WHERE h.id = {hub})"
    # Each shared skill outweighs everything else together (3 + 2 + 1 < SKILL_WEIGHT); then
    # nearness (0..1) weighs more than availability (0, 0.5 unknown, 1), and urgency least.
    score = (
        f"({shared} * {SKILL_WEIGHT} + ({nearness}) * 3"
        f" + ({_available(value, member.availability, zone)}) * 2"
        " + CASE WHEN c.urgency = 'urgent' THEN 1 ELSE 0 END)"
    )
    text = (
        f"WITH candidate AS ({candidates})"
        f" SELECT c.id FROM candidate c WHERE {' AND '.join(sql.where)}"
        f" ORDER BY {score} DESC, c.starts_at ASC NULLS LAST, c.id ASC"
    )
    return Results(text, sql.params, 0, MAX_FEED)


@functools.lru_cache(maxsize=CELL_CACHE)
def _band_cells(lat: float, lng: float, reach: float) -> tuple[tuple[str, str, float, float], ...]:
    """Each band's (cell column, its cells joined by commas, outer edge, inner edge) around a
    home. Kept per home and reach (a member's feed asks for the same ones each time): finding
    and naming the cells was most of the Python of a feed request (~480 cells within 20 km,
    2-5 ms). One text per band, split by PostgreSQL (string_to_array): asyncpg encoded the
    ~250 cells of a text[] one by one, ~0.4 ms of the API's CPU per request."""
    bands, inner = [], -1.0  # the first band includes distance 0
    for edge, column, resolution in SLOTS:
        outer = min(edge, reach)
        # Only the cells that may hold a point of this band: not those wholly inside the
        # inner edge (the band before read them), nor the ring's corners beyond the outer one.
        cells = geo.cells_between(lat, lng, inner, outer, resolution) if outer > inner else []
        bands.append((column, ",".join(cells), outer, inner))
        inner = max(inner, outer)
    return tuple(bands)


def _nearest_first(
    value: Value,
    open_here: str,
    columns: str,
    distance: str,
    home: tuple[float, float],
    reach: float,
) -> str:
    """Open listings within reach, band by band outwards (UNION ALL under a LIMIT stops at the
    band that fills it). Index-only: the cell indexes carry lat/lng/id (migrations/0009) and
    the feed indexes (opportunity_feed_*) all CANDIDATE_COLUMNS too (migrations/0024).

    The text is the same for every member: always the SLOTS' bands, each in its fixed cell
    column, its outer edge clamped to the reach; a band beyond the reach is empty (no cells:
    an index scan of `= ANY(string_to_array('', ','))`, an empty array, reads nothing). So
    PostgreSQL plans it once per connection, not once per request; the bands are those of
    BANDS_KM below the reach and the reach, as before."""
    bands = []
    for column, cells, outer, inner in _band_cells(*home, reach):
        bands.append(
            f"SELECT {columns} FROM opportunity o WHERE {open_here}"
            f" AND o.{column} = ANY(string_to_array({value(cells, 'text')}, ','))"
            f" AND {distance} <= {value(outer, 'float8')}"
            f" AND {distance} > {value(inner, 'float8')}"
        )
    return " UNION ALL ".join(bands)
