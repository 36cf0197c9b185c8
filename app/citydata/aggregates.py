"""The analyst's aggregates: one SQL statement over the precomputed base cells per answer.

Every number is a sum of base cells with at least k distinct people (app/privacy.py, the one
rule; app/citydata/grid.py says why no two answers can be subtracted to recover a withheld
cell). Each row says how many of its base cells were withheld, and is marked suppressed when
all were.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from time import monotonic
from typing import Any

from tortoise import Tortoise

from app.citydata import grid, policy, refresh
from app.citydata.grid import AreaBy, Ask, PeriodBy
from app.citydata.metrics import DICTIONARY, STOCK_WEEK, Metric
from app.citydata.models import CityWard
from app.config import get_settings
from app.hubs.models import Hub
from app.policy import Viewer
from app.privacy import SHOWN_SQL, k_of

HUB_AREA = "hub"
ALL = "all"


@dataclass(frozen=True)
class Row:
    metric: Metric
    area: str  # a cell, a ward's code, or "hub"
    period: date | None  # the week's Monday or the month's first day; None: a stock ("now")
    dimension: str  # a dimension value, or "all"
    count: int | None  # None when suppressed
    amount: int | None
    withheld_cells: int

    @property
    def suppressed(self) -> bool:
        return self.count is None

    @property
    def mean(self) -> float | None:
        if self.count is None or self.amount is None or self.count == 0:
            return None
        return self.amount / self.count


@dataclass(frozen=True)
class Answer:
    ask: Ask
    k: int
    refreshed_at: datetime | None
    rows: list[Row]
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def suppressed_rows(self) -> int:
        """Counted once per answer (answers are cached: every request asks)."""
        if "suppressed_rows" not in self.memo:
            self.memo["suppressed_rows"] = sum(1 for r in self.rows if r.count is None)
        return int(self.memo["suppressed_rows"])


def _area_sql(ask: Ask) -> tuple[str, str]:
    """The area expression, and the join it needs."""
    if ask.area_by == AreaBy.HUB:
        return f"'{HUB_AREA}'", ""
    if ask.area_by == AreaBy.WARD:
        return "w.code", "JOIN city_ward w ON w.hub_id = c.hub_id AND w.cells ? c.cell"
    return f"ch_h3_parent(c.cell, {int(ask.resolution or grid.MAX_RESOLUTION)})", ""


def _period_sql(ask: Ask) -> str:
    stock = f"c.week = DATE '{STOCK_WEEK}'"
    if ask.window.period == PeriodBy.MONTH:
        return f"CASE WHEN {stock} THEN NULL ELSE date_trunc('month', c.week)::date END"
    return f"CASE WHEN {stock} THEN NULL ELSE c.week END"


def statement(ask: Ask) -> str:
    """The SQL of an answer; parameters: hub id, metrics, first and last Monday, k, areas."""
    area, join = _area_sql(ask)
    where = ["c.hub_id = $1", "c.metric = ANY($2::text[])"]
    where.append(f"(c.week = DATE '{STOCK_WEEK}' OR c.week BETWEEN $3::date AND $4::date)")
    if ask.area_by != AreaBy.HUB:
        where.append("c.cell <> ''")
    if ask.areas:
        where.append(f"{area} = ANY($6::text[])")
    dim = "c.dim" if ask.by_dimension else f"'{ALL}'"
    shown = SHOWN_SQL.format(people="c.people", k="$5::int")
    return f"""
SELECT b.metric, b.area, b.period, b.dim,
       sum(b.n) FILTER (WHERE b.shown)::bigint AS n,
       sum(b.amount) FILTER (WHERE b.shown)::bigint AS amount,
       count(*) FILTER (WHERE NOT b.shown)::int AS withheld
  FROM (SELECT c.metric, {area} AS area, {_period_sql(ask)} AS period, {dim} AS dim,
               c.n, c.amount, {shown} AS shown
          FROM citydata_cell c {join}
         WHERE {" AND ".join(where)}) b
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3 NULLS FIRST, 4"""


def params(hub_id: int, ask: Ask, k: int) -> list[Any]:
    values: list[Any] = [
        hub_id,
        [m.value for m in ask.metrics],
        ask.window.first,
        ask.window.last,
        k,
    ]
    if ask.areas:
        values.append(list(ask.areas))
    return values


async def ward_codes(hub_id: int) -> set[str]:
    codes = await CityWard.filter(hub_id=hub_id).values_list("code", flat=True)
    return {str(c) for c in codes}


async def build_ask(*, hub_id: int, **question: Any) -> Ask:
    """`grid.ask` with the hub's wards (read only when asked by ward)."""
    codes = None
    if question.get("area_by") == AreaBy.WARD and question.get("areas"):
        codes = await ward_codes(hub_id)
    return grid.ask(ward_codes=codes, **question)


async def answer(*, viewer: Viewer, **question: Any) -> Answer:
    """The aggregates asked (metrics, areas, periods, dimension breakdown), k-suppressed."""
    hub_id = policy.require_reader(viewer)
    ask = await build_ask(hub_id=hub_id, **question)
    return await answer_ask(hub_id=hub_id, ask=ask)


# The fast path: answers precomputed at the refresh with the hub's k of that time (one row
# first carries that k: when the hub's k changed since, the answer is computed from the cells).
_GRID = f"""
SELECT NULL AS metric, NULL AS area, NULL::date AS period, NULL AS dim, NULL::bigint AS n,
       NULL::bigint AS amount, NULL::int AS withheld,
       (SELECT g.k FROM citydata_grid g WHERE g.hub_id = $1 LIMIT 1) AS grid_k
UNION ALL
(SELECT g.metric, g.area, nullif(g.period, DATE '{STOCK_WEEK}'), g.dim, g.n, g.amount,
        g.withheld, g.k
   FROM citydata_grid g
  WHERE g.hub_id = $1 AND g.level = $6 AND g.period_kind = $7 AND g.by_dim = $8
    AND g.metric = ANY($2::text[]) AND g.k = $5
    AND (g.period = DATE '{STOCK_WEEK}' OR g.period BETWEEN $3::date AND $4::date)
    {{areas}}
  ORDER BY 1, 2, 3 NULLS FIRST, 4)"""


def _grid(hub_id: int, ask: Ask, k: int) -> tuple[str, list[Any]] | None:
    """The fast path's statement and parameters (None: wards, which are not precomputed)."""
    if ask.area_by == AreaBy.WARD:
        return None
    first, last = ask.window.first, ask.window.last
    if ask.window.period == PeriodBy.MONTH:
        first, last = first.replace(day=1), last.replace(day=1)
    level = 0 if ask.area_by == AreaBy.HUB else int(ask.resolution or grid.MAX_RESOLUTION)
    values: list[Any] = [hub_id, [m.value for m in ask.metrics], first, last, k, level]
    values += [ask.window.period.value, ask.by_dimension]
    areas = ""
    if ask.areas:
        values.append(list(ask.areas))
        areas = "AND g.area = ANY($9::text[])"
    return _GRID.format(areas=areas), values


# Answers change only at a refresh (or when the hub changes k): each API process keeps the
# answers it computed, keyed by the last refresh and k, for at most CH_CITYDATA_CACHE_SECONDS.
CACHE_SIZE = 256
_CACHE: OrderedDict[tuple[Any, ...], tuple[float, "Answer"]] = OrderedDict()


async def answer_ask(*, hub_id: int, ask: Ask) -> Answer:
    hub = await Hub.get(id=hub_id)
    k = k_of(hub)
    last = await refresh.last()
    key = (hub_id, ask, k, last.id if last else None)
    keep = get_settings().citydata_cache_seconds
    cached = ask.area_by != AreaBy.WARD and keep > 0  # wards: uploads change them
    found_answer = _CACHE.get(key) if cached else None
    now = monotonic()
    if found_answer is not None and found_answer[0] > now:
        _CACHE.move_to_end(key)
        return found_answer[1]
    answer = await _compute(hub_id, ask, k, last.finished_at if last else None)
    if not cached:
        return answer
    _CACHE[key] = (now + keep, answer)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return answer


async def _compute(hub_id: int, ask: Ask, k: int, refreshed_at: datetime | None) -> Answer:
    conn = Tortoise.get_connection("default")
    fast = _grid(hub_id, ask, k)
    found: list[dict[str, Any]] = []
    if fast is not None:
        head, *found = await conn.execute_query_dict(*fast)
        if head["grid_k"] is not None and head["grid_k"] != k:
            fast = None  # the hub's k changed since the refresh: from the cells
    if fast is None:
        found = await conn.execute_query_dict(statement(ask), params(hub_id, ask, k))
    rows = [
        Row(
            metric=Metric(r["metric"]),
            area=str(r["area"]),
            period=r["period"],
            dimension=(str(r["dim"]) or ALL) if ask.by_dimension else ALL,
            count=None if r["n"] is None else int(r["n"]),
            amount=None if r["amount"] is None else int(r["amount"]),
            withheld_cells=int(r["withheld"]),
        )
        for r in found
    ]
    return Answer(ask=ask, k=k, refreshed_at=refreshed_at, rows=rows)


def is_stock(metric: Metric) -> bool:
    return DICTIONARY[metric].stock
