"""Finding open paid jobs with the opportunity search's rules: text, skills, organisation,
contract, and distance from a point or the member's home (the k-ring of H3 cells narrows by
index, the exact haversine decides: app/opportunities/geo); remote jobs match any distance
unless left out. One statement per page, in order."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Self

from tortoise import Tortoise

from app.actor import Actor, home_of
from app.errors import DomainError
from app.i18n import _
from app.opportunities import geo
from app.opportunities.search import Sql
from app.paidjobs.errors import PaidJobErrorCode as E
from app.paidjobs.models import Contract, PaidJob


@dataclass(kw_only=True)
class Filters:
    text: str | None = None
    skill_ids: list[int] = field(default_factory=list)
    organisation_id: int | None = None
    contract: Contract | None = None
    near: tuple[float, float] | None = None
    within_km: float | None = None
    include_remote: bool = True


def validate(filters: Filters) -> None:
    if filters.text is not None and (len(filters.text) > 200 or "\x00" in filters.text):
        raise DomainError(E.INVALID, _("At most 200 characters."), "text")
    if filters.within_km is not None and not 0 < filters.within_km <= geo.MAX_KM:
        raise DomainError(
            E.INVALID, _("Between 0 and {MAX_KM:g} km.", MAX_KM=geo.MAX_KM), "withinKm"
        )
    if filters.within_km is not None and filters.near is None:
        raise DomainError(E.INVALID, _("Give a point (or search near home)."), "near")
    if filters.near is not None and not (
        -90 <= filters.near[0] <= 90 and -180 <= filters.near[1] <= 180
    ):
        raise DomainError(E.INVALID, _("Not a point on Earth."), "near")
    if len(filters.skill_ids) > 50:
        raise DomainError(E.INVALID, _("At most 50 skills."), "skillIds")


def build(hub_id: int, filters: Filters) -> tuple[str, list[Any]]:
    """The SELECT of matching ids, soonest closing first."""
    sql = Sql()
    sql.add(f"j.hub_id = {sql.param(hub_id)}")
    sql.add("j.status = 'open' AND j.closes_at > now()")
    if filters.text and filters.text.strip():
        query = f"websearch_to_tsquery('simple', {sql.param(filters.text.strip())})"
        sql.add(f"to_tsvector('simple', j.title || ' ' || j.description) @@ {query}")
    if filters.organisation_id is not None:
        sql.add(f"j.organisation_id = {sql.param(filters.organisation_id)}")
    if filters.contract is not None:
        sql.add(f"j.contract = {sql.param(filters.contract.value)}")
    if filters.skill_ids:
        wanted = sql.param(filters.skill_ids)
        sql.add(
            "EXISTS (SELECT 1 FROM jsonb_array_elements_text(j.skill_ids) s(id)"
            f" WHERE s.id::bigint = ANY({wanted}::bigint[]))"
        )
    if filters.near is not None and filters.within_km is not None:
        lat, lng = (sql.param(v) for v in filters.near)
        distance = geo.haversine_sql(f"{lat}::float8", f"{lng}::float8", alias="j")
        ring = geo.ring(*filters.near, filters.within_km)
        nearby = (
            f"(j.{ring.column} = ANY({sql.param(ring.cells)}::text[])"
            f" AND {distance} <= {sql.param(filters.within_km)})"
        )
        sql.add(f"(j.remote OR {nearby})" if filters.include_remote else nearby)
    elif not filters.include_remote:
        sql.add("NOT j.remote")
    where = " AND ".join(sql.where)
    return f"SELECT j.id FROM paid_job j WHERE {where} ORDER BY j.closes_at, j.id", sql.params


@cache
def _columns() -> str:
    return ", ".join(f"j.{column}" for column in sorted(PaidJob._meta.db_fields))


class Results:
    """Lazily sliced results: slicing adds LIMIT/OFFSET, iterating runs one statement."""

    def __init__(self, sql: str, params: Sequence[Any], start: int = 0, stop: int | None = None):
        self.sql, self.params, self.start, self.stop = sql, list(params), start, stop

    def __getitem__(self, window: slice) -> Self:
        start = self.start + (window.start or 0)
        stop = None if window.stop is None else self.start + window.stop
        if self.stop is not None:
            stop = self.stop if stop is None else min(stop, self.stop)
        return type(self)(self.sql, self.params, start, stop)

    async def fetch(self) -> list[PaidJob]:
        limit = "ALL" if self.stop is None else str(max(0, self.stop - self.start))
        sql = (
            f"SELECT {_columns()} FROM (SELECT q.id, row_number() OVER () AS rank"
            f" FROM ({self.sql} LIMIT {limit} OFFSET {self.start}) q) page"
            " JOIN paid_job j ON j.id = page.id ORDER BY page.rank"
        )
        rows = await Tortoise.get_connection("default").execute_query_dict(sql, self.params)
        return [PaidJob._init_from_db(**row) for row in rows]

    async def __aiter__(self) -> AsyncIterator[PaidJob]:
        for job in await self.fetch():
            yield job


def search(
    *, hub_id: int, filters: Filters, actor: Actor | None = None, near_home: bool = False
) -> Results:
    """Open jobs of the hub matching `filters` (lazy: slice it); `near_home` measures from
    the signed-in member's home (app.actor.home_of)."""
    if near_home:
        filters.near = home_of(actor, invalid=E.INVALID, field="nearHome")
    validate(filters)
    sql, params = build(hub_id, filters)
    return Results(sql, params)
