"""Finding open opportunities: full text, category, skills, kind, distance, dates, organisation.

One SQL statement returns the page's ids in order (with the distance when searching near a
point); the rows load in one more. The partial indexes (WHERE status = 'published', created in
migrations/0002_opportunities.py; tests/opportunities/test_indexes.py checks each plan):
newest (the default) opportunity_open_newest; soonest opportunity_open_soonest; text the GIN
opportunity_open_search; one category opportunity_open_category; within a radius the k-ring
of H3 cells on opportunity_open_cell8 (up to ~7 km), _cell6 (up to ~50 km) or _cell4.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any, Self

from tortoise import Tortoise

from app.actor import Actor, home_of
from app.errors import DomainError
from app.i18n import _
from app.opportunities import geo
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import Opportunity, OpportunityKind, Urgency


class Sort(StrEnum):
    RELEVANCE = "relevance"
    SOONEST = "soonest"
    NEAREST = "nearest"
    NEWEST = "newest"


@dataclass(kw_only=True)
class Filters:
    text: str | None = None
    category_ids: list[int] = field(default_factory=list)
    skill_ids: list[int] = field(default_factory=list)
    kind: OpportunityKind | None = None
    near: tuple[float, float] | None = None
    within_km: float | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    organisation_id: int | None = None
    urgency: Urgency | None = None


class Sql:
    """Collects WHERE clauses and numbered parameters."""

    def __init__(self, *, generic: bool = True) -> None:
        self.where: list[str] = []
        self.params: list[Any] = []
        self.generic = generic  # whether `value` makes InitPlans

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def value(self, given: Any, cast: str) -> str:
        """A parameter as an InitPlan, `(SELECT $n::cast)`: PostgreSQL's estimates then never
        depend on the value, so a prepared statement keeps its generic plan after five
        custom ones (plan_cache_mode auto) instead of planning each request again; index
        scans still use the value as their condition (bench/README, issue 15). Inside
        `= ANY(...)` cast it again (`::bigint[]`): else ANY reads the sub-select's rows.
        Not `generic`: a plain parameter (`$n::cast`), planned with its value each time."""
        if not self.generic:
            return f"{self.param(given)}::{cast}"
        return f"(SELECT {self.param(given)}::{cast})"

    def add(self, clause: str) -> None:
        self.where.append(clause)


def validate(filters: Filters, sort: Sort) -> None:
    if filters.text is not None and len(filters.text) > 200:
        raise DomainError(E.INVALID, _("At most 200 characters."), "text")
    if filters.text is not None and "\x00" in filters.text:
        raise DomainError(E.INVALID, _("Not a valid search text."), "text")
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
    if len(filters.category_ids) > 50 or len(filters.skill_ids) > 50:
        raise DomainError(E.INVALID, _("At most 50 ids per filter."), None)


def build(hub_id: int, filters: Filters, sort: Sort) -> tuple[str, list[Any]]:
    """The SELECT of matching ids (and distance) in `sort` order, without LIMIT/OFFSET; every
    parameter an InitPlan (Sql.value), so a prepared statement keeps its generic plan,
    except in a text search: the words' frequency and the hub's size decide between the GIN
    index and another, and a generic plan sees neither (it never took the GIN in
    tests/opportunities/test_indexes.py), so a text search is planned with its values."""
    words = filters.text.strip() if filters.text else ""
    sql = Sql(generic=not words)
    sql.add(f"o.hub_id = {sql.value(hub_id, 'bigint')}")
    sql.add("o.status = 'published' AND (o.expires_at IS NULL OR o.expires_at > now())")
    columns = ["o.id"]
    query = None
    if words:
        query = f"websearch_to_tsquery('simple', {sql.param(words)})"
        sql.add(f"o.search @@ {query}")
    if len(filters.category_ids) == 1:  # `=` lets opportunity_open_category give the order
        sql.add(f"o.category_id = {sql.value(filters.category_ids[0], 'bigint')}")
    elif filters.category_ids:
        sql.add(f"o.category_id = ANY({sql.value(filters.category_ids, 'bigint[]')}::bigint[])")
    if filters.kind:
        sql.add(f"o.kind = {sql.value(filters.kind.value, 'text')}")
    if filters.urgency:
        sql.add(f"o.urgency = {sql.value(filters.urgency.value, 'text')}")
    if filters.organisation_id is not None:
        sql.add(f"o.organisation_id = {sql.value(filters.organisation_id, 'bigint')}")
    if filters.starts_after:
        sql.add(f"o.starts_at >= {sql.value(filters.starts_after, 'timestamptz')}")
    if filters.starts_before:
        sql.add(f"o.starts_at < {sql.value(filters.starts_before, 'timestamptz')}")
    if filters.skill_ids:
        skills = sql.value(filters.skill_ids, "bigint[]")
        sql.add(
            "EXISTS (SELECT 1 FROM opportunity_skill s WHERE s.hub_id = o.hub_id"
            f" AND s.opportunity_id = o.id AND s.skill_id = ANY({skills}::bigint[]))"
        )
    distance = None
    if filters.near is not None:
        lat, lng = (sql.value(v, "float8") for v in filters.near)
        distance = geo.haversine_sql(lat, lng)
        columns.append(f"{distance} AS distance_km")
        if filters.within_km is not None:
            ring = geo.ring(*filters.near, filters.within_km)
            sql.add(f"o.{ring.column} = ANY({sql.value(ring.cells, 'text[]')}::text[])")
            sql.add(f"{distance} <= {sql.value(filters.within_km, 'float8')}")
    order = _order(sort, query, distance)
    text = f"SELECT {', '.join(columns)} FROM opportunity o WHERE {' AND '.join(sql.where)}"
    return f"{text} ORDER BY {order}", sql.params


def _order(sort: Sort, query: str | None, distance: str | None) -> str:
    if sort == Sort.RELEVANCE and query:
        return f"ts_rank(o.search, {query}) DESC, o.published_at DESC, o.id DESC"
    if sort == Sort.NEAREST and distance:
        return f"{distance} ASC, o.id ASC"
    if sort == Sort.SOONEST:
        return "o.starts_at ASC NULLS LAST, o.id ASC"
    return "o.published_at DESC, o.id DESC"


@cache
def _columns() -> str:
    return ", ".join(f"o.{column}" for column in sorted(Opportunity._meta.db_fields))


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

    async def fetch(self) -> list[Opportunity]:
        """The window's opportunities in order, in one statement; `distance_km` is set when
        searching near."""
        limit = "ALL" if self.stop is None else str(max(0, self.stop - self.start))
        # row_number() over the ordered, limited sub-select numbers its rows in that order.
        sql = (
            f"SELECT {_columns()}, page.* FROM (SELECT q.*, row_number() OVER () AS rank"
            f" FROM ({self.sql} LIMIT {limit} OFFSET {self.start}) q) page"
            " JOIN opportunity o ON o.id = page.id ORDER BY page.rank"
        )
        rows = await Tortoise.get_connection("default").execute_query_dict(sql, self.params)
        found = []
        for row in rows:
            opportunity = Opportunity._init_from_db(**row)
            opportunity.distance_km = row.get("distance_km")  # type: ignore[attr-defined]
            found.append(opportunity)
        return found

    async def __aiter__(self) -> AsyncIterator[Opportunity]:
        for opportunity in await self.fetch():
            yield opportunity


def search(
    *,
    hub_id: int,
    filters: Filters,
    sort: Sort,
    actor: Actor | None = None,
    near_home: bool = False,
) -> Results:
    """Open opportunities of the hub matching `filters`, in `sort` order (lazy: slice it).

    `near_home` measures distance from the signed-in member's home instead of a given point.
    """
    if near_home:
        filters.near = home_of(actor, invalid=E.INVALID, field="nearHome")
    validate(filters, sort)
    sql, params = build(hub_id, filters, sort)
    return Results(sql, params)
