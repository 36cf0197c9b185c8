"""Finding listed assets: full text, kind, category, distance, owner, and free in a time range.

As opportunities: one statement returns the page's rows in order (with the distance when
searching near a point). The partial indexes (WHERE status = 'listed', migrations/0013_assets.py;
tests/assets/test_indexes.py checks each plan): newest (the default) asset_listed_newest; one
kind asset_listed_kind; one category asset_listed_category; text the GIN asset_listed_search;
within a radius the k-ring of H3 cells on asset_listed_cell8 (up to ~7 km), _cell6 (~50 km) or
_cell4. "Free" (a space free on Tuesday 14:00-16:00) keeps the bookable assets that could take
that booking: no booking holding an overlapping slot (probed through the GiST index of the
booking_no_overlap exclusion constraint, whose predicate the probe repeats), inside one opening
window of that local day (the hub's time zone), within the length limits and the notice: the
very predicates a booking is checked with, written once in app/assets/rules.py.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, Self

from tortoise import Tortoise

from app.actor import Actor, home_of
from app.assets import rules
from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetKind, OwnerKind
from app.assets.sharing_models import SLOT_HOLDING
from app.errors import DomainError
from app.i18n import _
from app.opportunities import geo
from app.opportunities.search import Sql

MAX_FREE_RANGE = timedelta(days=31)
# How the free-slot filter's booking probe begins (`_free`): `build` probes after ordering.
BOOKING_PROBE = "NOT EXISTS (SELECT 1 FROM booking b"
MAX_HORIZON = rules.MAX_HORIZON


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEAREST = "nearest"
    NEWEST = "newest"


@dataclass(kw_only=True)
class Filters:
    text: str | None = None
    kind: AssetKind | None = None
    category_ids: list[int] = field(default_factory=list)
    near: tuple[float, float] | None = None
    within_km: float | None = None
    owner_kind: OwnerKind | None = None
    owner_organisation_id: int | None = None
    # [from, until): bookable assets that could be booked for exactly this range.
    free: tuple[datetime, datetime] | None = None


def validate(filters: Filters, sort: Sort, now: datetime) -> None:
    if filters.text is not None and len(filters.text) > 200:
        raise DomainError(E.INVALID, _("At most 200 characters."), "text")
    if filters.within_km is not None and not 0 < filters.within_km <= geo.MAX_KM:
        raise DomainError(
            E.INVALID, _("Between 0 and {MAX_KM:g} km.", MAX_KM=geo.MAX_KM), "withinKm"
        )
    if filters.within_km is not None and filters.near is None:
        raise DomainError(E.INVALID, _("Give a point (or search near home)."), "near")
    if filters.near is not None:
        lat, lng = filters.near
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise DomainError(E.INVALID, _("Not a point on Earth."), "near")
    if sort == Sort.NEAREST and filters.near is None:
        raise DomainError(E.INVALID, _("Sorting by distance needs a point."), "sort")
    if len(filters.category_ids) > 50:
        raise DomainError(E.INVALID, _("At most 50 categories."), "assetCategoryIds")
    if filters.free is not None:
        _validate_free(filters, now)


def _validate_free(filters: Filters, now: datetime) -> None:
    assert filters.free is not None
    starts, ends = filters.free
    if starts.tzinfo is None or ends.tzinfo is None:
        raise DomainError(E.INVALID, _("Give a time zone (UTC offset)."), "free")
    if ends <= starts:
        raise DomainError(E.INVALID, _("The end must be after the start."), "free")
    if ends - starts > MAX_FREE_RANGE:
        raise DomainError(E.INVALID, _("At most 31 days."), "free")
    if starts > now + MAX_HORIZON:
        raise DomainError(E.INVALID, _("At most two years ahead."), "free")
    if filters.kind not in (None, AssetKind.BOOKABLE):
        raise DomainError(E.INVALID, _("Only bookable assets have free slots."), "kind")


def build(hub_id: int, filters: Filters, sort: Sort) -> tuple[str, list[Any]]:
    """The SELECT of matching ids (and distance) in `sort` order, without LIMIT/OFFSET."""
    sql = Sql()
    hub = sql.param(hub_id)
    sql.add(f"a.hub_id = {hub}")
    sql.add("a.status = 'listed'")
    columns = ["a.id"]
    query = None
    if filters.text and filters.text.strip():
        query = f"websearch_to_tsquery('simple', {sql.param(filters.text.strip())})"
        sql.add(f"a.search @@ {query}")
    if filters.free is not None:
        # A literal, so that a generic plan may use the partial asset_listed_bookable_cell8.
        sql.add(f"a.kind = '{AssetKind.BOOKABLE.value}'")
    elif filters.kind is not None:
        sql.add(f"a.kind = {sql.param(filters.kind.value)}")
    if len(filters.category_ids) == 1:  # `=` lets asset_listed_category give the order
        sql.add(f"a.category_id = {sql.param(filters.category_ids[0])}")
    elif filters.category_ids:
        sql.add(f"a.category_id = ANY({sql.param(filters.category_ids)}::bigint[])")
    if filters.owner_kind is not None:
        sql.add(f"a.owner_kind = {sql.param(filters.owner_kind.value)}")
    if filters.owner_organisation_id is not None:
        sql.add(f"a.owner_organisation_id = {sql.param(filters.owner_organisation_id)}")
    if filters.free is not None:
        _free(sql, hub, *filters.free)
    distance = None
    if filters.near is not None:
        lat, lng = (sql.param(v) for v in filters.near)
        distance = geo.haversine_sql(f"{lat}::float8", f"{lng}::float8", alias="a")
        if filters.within_km is not None:
            ring = geo.ring(*filters.near, filters.within_km)
            sql.add(f"a.{ring.column} = ANY({sql.param(ring.cells)}::text[])")
            sql.add(f"{distance} <= {sql.param(filters.within_km)}")
    columns.append(f"{distance or 'NULL::float8'} AS distance_km")
    probes = [clause for clause in sql.where if clause.startswith(BOOKING_PROBE)]
    where = " AND ".join(clause for clause in sql.where if clause not in probes)
    order = _order(sort, query, distance)
    if not probes:
        return (
            f"SELECT {', '.join(columns)} FROM asset a WHERE {where} ORDER BY {order}",
            sql.params,
        )
    # Free slots: the candidates in their order first (OFFSET 0 keeps them a subquery whose
    # order the outer query keeps), then the booking probe, so the page's LIMIT stops probing
    # once the page is full. Probed before the sort, every candidate in reach was probed: ~300
    # within 5 km in the Do-it-sized hub (bench/README.md, "A space free on Tuesday afternoon").
    relevance = f"ts_rank(a.search, {query})" if query else "NULL::real"
    inner = (
        f"SELECT {', '.join(columns)}, a.hub_id, a.listed_at, {relevance} AS relevance"
        f" FROM asset a WHERE {where} ORDER BY {order} OFFSET 0"
    )
    return (
        f"SELECT a.id, a.distance_km FROM ({inner}) a WHERE {' AND '.join(probes)}"
        f" ORDER BY {_fenced_order(sort, query, distance)}",
        sql.params,
    )


def _free(sql: Sql, hub: str, starts: datetime, ends: datetime) -> None:
    """No booking holds an overlapping slot, and the owner's rules (app/assets/rules.py, the
    same predicates a booking is checked with) take this one."""
    zone = f"(SELECT h.timezone FROM hub h WHERE h.id = {hub})"
    slot = rules.Slot.bound(sql, starts, ends, zone=zone)
    holding = ", ".join(f"'{s.value}'" for s in SLOT_HOLDING)  # booking_no_overlap's predicate
    wanted = f"tstzrange({slot.start}, {slot.end}, '[)')"
    sql.add(
        "NOT EXISTS (SELECT 1 FROM booking b WHERE b.hub_id = a.hub_id AND b.asset_id = a.id"
        f" AND b.status IN ({holding})"
        f" AND tstzrange(b.starts_at, b.ends_at, '[)') && {wanted})"
    )
    for clause in rules.predicates(AssetKind.BOOKABLE, "a", slot):
        sql.add(clause)


def _fenced_order(sort: Sort, query: str | None, distance: str | None) -> str:
    """`_order` over the columns of the free-slot search's subquery."""
    if sort == Sort.RELEVANCE and query:
        return "a.relevance DESC, a.listed_at DESC, a.id DESC"
    if sort == Sort.NEAREST and distance:
        return "a.distance_km ASC, a.id ASC"
    return "a.listed_at DESC, a.id DESC"


def _order(sort: Sort, query: str | None, distance: str | None) -> str:
    if sort == Sort.RELEVANCE and query:
        return f"ts_rank(a.search, {query}) DESC, a.listed_at DESC, a.id DESC"
    if sort == Sort.NEAREST and distance:
        return f"{distance} ASC, a.id ASC"
    return "a.listed_at DESC, a.id DESC"


@cache
def _columns() -> str:
    return ", ".join(f"a.{column}" for column in sorted(Asset._meta.db_fields))


class Results:
    """Lazily sliced search results: slicing adds LIMIT/OFFSET, iterating runs one query."""

    def __init__(self, sql: str, params: Sequence[Any], start: int = 0, stop: int | None = None):
        self.sql, self.params, self.start, self.stop = sql, list(params), start, stop

    def __getitem__(self, window: slice) -> Self:
        start = self.start + (window.start or 0)
        stop = None if window.stop is None else self.start + window.stop
        if self.stop is not None:
            stop = self.stop if stop is None else min(stop, self.stop)
        return type(self)(self.sql, self.params, start, stop)

    async def fetch(self) -> list[Asset]:
        """The window's assets in order, in one statement; `distance_km` is set when searching
        near a point."""
        limit = "ALL" if self.stop is None else str(max(0, self.stop - self.start))
        sql = (
            f"SELECT {_columns()}, page.distance_km FROM (SELECT q.*, row_number() OVER () AS rank"
            f" FROM ({self.sql} LIMIT {limit} OFFSET {self.start}) q) page"
            " JOIN asset a ON a.id = page.id ORDER BY page.rank"
        )
        rows = await Tortoise.get_connection("default").execute_query_dict(sql, self.params)
        found = []
        for row in rows:
            distance = row.pop("distance_km")
            asset = Asset._init_from_db(**row)
            asset.distance_km = distance  # type: ignore[attr-defined]
            found.append(asset)
        return found

    async def __aiter__(self) -> AsyncIterator[Asset]:
        for asset in await self.fetch():
            yield asset


def search(
    *,
    hub_id: int,
    filters: Filters,
    sort: Sort,
    actor: Actor | None = None,
    near_home: bool = False,
) -> Results:
    """Listed assets of the hub matching `filters`, in `sort` order (lazy: slice it).

    `near_home` measures distance from the signed-in member's home instead of a given point.
    """
    if near_home:
        filters.near = home_of(actor, invalid=E.INVALID, field="nearHome")
    validate(filters, sort, datetime.now(UTC))
    sql, params = build(hub_id, filters, sort)
    return Results(sql, params)
