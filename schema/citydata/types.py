"""GraphQL types of city data: aggregates only, nothing about any one person.

tests/citydata/test_no_personal_fields.py walks these types and fails on any field that
could name or place a person.
"""

from datetime import date, datetime
from typing import Any

import orjson
import strawberry
from strawberry.scalars import JSON

from app.citydata import aggregates, export
from app.citydata import gaps as city_gaps
from app.citydata import table as city_table
from app.citydata.errors import WardsErrorCode as WardsErrorCodeEnum
from app.citydata.grid import AreaBy, PeriodBy
from app.citydata.metrics import Metric
from app.citydata.models import CityWard as CityWardModel

CityMetric = strawberry.enum(
    Metric,
    name="CityMetric",
    description="What city data counts; cityDataDictionary says what each one means.",
)
CityAreaBy = strawberry.enum(
    AreaBy,
    name="CityAreaBy",
    description="HUB (the whole hub); CELL (H3 cells at `resolution`, 4 to 7); WARD (the"
    " wards hub admins uploaded).",
)
CityPeriod = strawberry.enum(
    PeriodBy,
    name="CityPeriod",
    description="WEEK (Monday to Sunday, the hub's local time) or MONTH (the weeks whose"
    " Monday falls in the month, so months are whole weeks).",
)
CityWardsErrorCode = strawberry.enum(WardsErrorCodeEnum, name="CityWardsErrorCode")


@strawberry.input(description="What to aggregate, where and when.")
class CityDataInput:
    metrics: list[CityMetric]  # type: ignore[valid-type]
    since: date = strawberry.field(description="The first day asked: its whole week or month.")
    until: date = strawberry.field(description="The last day asked: its whole week or month.")
    period: CityPeriod = PeriodBy.MONTH  # type: ignore[valid-type]
    area_by: CityAreaBy = AreaBy.HUB  # type: ignore[valid-type]
    resolution: int | None = strawberry.field(
        default=None, description="With CELL: the H3 resolution, 4 (coarse) to 7 (default)."
    )
    areas: list[str] | None = strawberry.field(
        default=None,
        description="Only these areas: H3 cells of the resolution, or ward codes (at most 200).",
    )
    by_dimension: bool = strawberry.field(
        default=False,
        description="One row per dimension value (category, skill, where spent) instead of 'all'.",
    )

    def question(self) -> dict[str, Any]:
        return {
            "metrics": [Metric(m) for m in self.metrics],
            "area_by": AreaBy(self.area_by),
            "resolution": self.resolution,
            "areas": self.areas,
            "period": PeriodBy(self.period),
            "since": self.since,
            "until": self.until,
            "by_dimension": self.by_dimension,
        }


@strawberry.type(
    description="One aggregate: a metric in an area, period and dimension value. Its numbers"
    " are sums over base cells with at least k distinct people; the others are withheld."
)
class CityDataRow:
    metric: CityMetric  # type: ignore[valid-type]
    area: str = strawberry.field(description="An H3 cell, a ward's code, or 'hub'.")
    period: date | None = strawberry.field(
        description="The week's Monday or the month's first day; null for a stock counted at"
        " the refresh."
    )
    dimension: str = strawberry.field(description="The dimension value, or 'all'.")
    count: int | None = strawberry.field(description="Null when suppressed.")
    amount: int | None = strawberry.field(description="Null when suppressed.")
    mean: float | None = strawberry.field(description="amount / count (e.g. minutes to fill).")
    suppressed: bool = strawberry.field(
        description="Every base cell of the row has fewer than k distinct people."
    )
    withheld_cells: int = strawberry.field(
        description="Base cells (H3 resolution 7 x week x dimension value) left out: fewer"
        " than k distinct people."
    )

    @classmethod
    def of(cls, row: aggregates.Row) -> "CityDataRow":
        return cls(
            metric=row.metric,
            area=row.area,
            period=row.period,
            dimension=row.dimension,
            count=row.count,
            amount=row.amount,
            mean=None if row.mean is None else round(row.mean, 3),
            suppressed=row.suppressed,
            withheld_cells=row.withheld_cells,
        )


@strawberry.type(description="A cityData answer.")
class CityDataAnswer:
    k: int = strawberry.field(description="The hub's privacy threshold applied.")
    refreshed_at: datetime | None = strawberry.field(
        description="When the aggregates were last recomputed (null: not yet)."
    )
    first_week: date = strawberry.field(description="The Monday the answer starts.")
    last_week: date = strawberry.field(description="The Monday of the answer's last week.")
    suppressed_rows: int
    _answer: strawberry.Private[aggregates.Answer]

    @strawberry.field(description="The rows, one object per aggregate.")
    def rows(self) -> list[CityDataRow]:
        return [CityDataRow.of(r) for r in self._answer.rows]

    @strawberry.field(
        description="The same answer as one dashboard-ready JSON document (the question, k,"
        " the refresh time, the data dictionary and the rows as flat records: what"
        " GET /citydata/export.json returns). Cheaper than `rows` for big answers."
    )
    def dashboard(self) -> JSON:
        return orjson.Fragment(export.dashboard_encoded(self._answer))  # type: ignore[return-value]

    @strawberry.field(
        description="The same answer as one compact JSON table, the cheapest shape to send"
        " and to read: one record per area, period and dimension value with every metric side"
        " by side (demand next to supply); `areas`, `periods` and `dimensions` named once and"
        " referred to by index; `columns` names each position (`count:<metric>`,"
        " `amount:<metric>`, `withheld_cells:<metric>`). A suppressed metric has count and"
        " amount null; one with no base cell there is 0."
    )
    def table(self) -> JSON:
        return orjson.Fragment(city_table.encoded(self._answer))  # type: ignore[return-value]

    @classmethod
    def of(cls, answer: aggregates.Answer) -> "CityDataAnswer":
        return cls(
            _answer=answer,
            k=answer.k,
            refreshed_at=answer.refreshed_at,
            first_week=answer.ask.window.first,
            last_week=answer.ask.window.last,
            suppressed_rows=answer.suppressed_rows,
        )


@strawberry.type(description="An area where requests outnumber offers and skilled volunteers.")
class CityGap:
    rank: int
    area: str
    demand: int = strawberry.field(description="Requests posted in the window.")
    unfilled: int = strawberry.field(description="Of those, still unfilled at the refresh.")
    supply: int = strawberry.field(
        description="Offers posted in the window, and volunteers holding a skill now."
    )
    gap: int = strawberry.field(description="demand - supply.")
    ratio: float | None = strawberry.field(description="demand / supply (null: no supply).")
    withheld_cells: int


@strawberry.type(description="The gaps, most first (at most 50).")
class CityGapsAnswer:
    k: int
    refreshed_at: datetime | None
    gaps: list[CityGap]

    @classmethod
    def of(cls, found: city_gaps.Gaps) -> "CityGapsAnswer":
        return cls(
            k=found.answer.k,
            refreshed_at=found.answer.refreshed_at,
            gaps=[CityGap(**g.__dict__) for g in found.gaps],
        )


@strawberry.type(description="A metric in one period, hub-wide.")
class CityTrendPoint:
    period: date
    count: int | None
    amount: int | None
    change: float | None = strawberry.field(
        description="% change of count from the period before (null: unknown or from 0)."
    )
    withheld_cells: int


@strawberry.type(description="A metric over time, hub-wide.")
class CityTrend:
    metric: CityMetric  # type: ignore[valid-type]
    points: list[CityTrendPoint]


@strawberry.type(description="A cityTrends answer.")
class CityTrendsAnswer:
    k: int
    refreshed_at: datetime | None
    trends: list[CityTrend]

    @classmethod
    def of(cls, found: city_gaps.Trends) -> "CityTrendsAnswer":
        return cls(
            k=found.answer.k,
            refreshed_at=found.answer.refreshed_at,
            trends=[
                CityTrend(
                    metric=t.metric,
                    points=[CityTrendPoint(**p.__dict__) for p in t.points],
                )
                for t in found.trends
            ],
        )


@strawberry.type(description="A column of the answers (CSV and JSON).")
class CityDataColumn:
    name: str
    meaning: str


@strawberry.type(description="What a metric means, counts and sums.")
class CityDataMetricInfo:
    metric: CityMetric  # type: ignore[valid-type]
    meaning: str


@strawberry.type(description="A ward: a named area made of base cells (H3 resolution 7).")
class CityWard:
    name: str
    code: str
    cells: int = strawberry.field(description="How many base cells the ward holds.")

    @classmethod
    def of(cls, ward: CityWardModel) -> "CityWard":
        return cls(name=ward.name, code=ward.code, cells=len(ward.cells))


@strawberry.type(description="The data dictionary of every city data answer.")
class CityDataDictionary:
    columns: list[CityDataColumn]
    metrics: list[CityDataMetricInfo]

    @classmethod
    def build(cls) -> "CityDataDictionary":
        rows = export.dictionary_rows()
        return cls(
            columns=[
                CityDataColumn(name=r["name"], meaning=r["meaning"])
                for r in rows
                if r["kind"] == "column"
            ],
            metrics=[
                CityDataMetricInfo(metric=Metric(r["name"]), meaning=r["meaning"])
                for r in rows
                if r["kind"] == "metric"
            ],
        )
