"""The fixed grid every city data answer is served on, and how differencing is defeated.

Base cells: (metric, H3 cell of resolution 7, local week, dimension value), precomputed with
the distinct people behind each (app/citydata/refresh.py). A base cell with fewer than k
people (the hub's one rule, app/privacy.py) is withheld, and every number served is a sum of
base cells that are shown:

- coarser areas (resolutions 4-6, wards, the whole hub) are unions of base cells;
- months are unions of weeks (a week belongs to the month of its Monday), and any window is
  snapped to whole weeks or whole months;
- an answer without a dimension breakdown sums the shown cells of every dimension value.

So any difference (or any linear combination) of two answers, however they overlap, is a sum
of shown base cells: a withheld cell never enters a number, and cannot be recovered by
subtracting. The price is an undercount where cells are withheld, which every row states
(`withheld_cells`), rather than a number someone could take apart.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import h3

from app.citydata.errors import CityDataErrorCode as E
from app.citydata.metrics import BASE_RESOLUTION, Metric
from app.errors import DomainError
from app.i18n import _

MIN_RESOLUTION = 4
MAX_RESOLUTION = BASE_RESOLUTION
MAX_WEEKS = 106  # two years and a bit, in weeks
MAX_MONTHS = 36
MAX_AREAS = 200


class AreaBy(StrEnum):
    HUB = "hub"
    CELL = "cell"  # H3 cells at a chosen resolution
    WARD = "ward"


class PeriodBy(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Window:
    """Whole periods: weeks whose Monday is in [first, last] (both Mondays)."""

    period: PeriodBy
    first: date  # a Monday
    last: date  # a Monday
    periods: int


@dataclass(frozen=True)
class Ask:
    """A validated question: which metrics, over which areas and periods, broken down how."""

    metrics: tuple[Metric, ...]
    area_by: AreaBy
    resolution: int | None
    areas: tuple[str, ...]  # only these areas (cells or ward codes); () for all
    window: Window
    by_dimension: bool


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _months(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month + 1


def window(*, period: PeriodBy, since: date, until: date) -> Window:
    """The whole periods holding `since` .. `until` (INVALID when upside down or too long)."""
    if until < since:
        raise DomainError(E.INVALID, _("The period ends before it starts."), "until")
    if period == PeriodBy.WEEK:
        first, last = monday(since), monday(until)
        periods = (last - first).days // 7 + 1
        if periods > MAX_WEEKS:
            raise DomainError(
                E.INVALID, _("At most {MAX_WEEKS} weeks at a time.", MAX_WEEKS=MAX_WEEKS), "until"
            )
        return Window(period, first, last, periods)
    periods = _months(since, until)
    if periods > MAX_MONTHS:
        raise DomainError(
            E.INVALID, _("At most {MAX_MONTHS} months at a time.", MAX_MONTHS=MAX_MONTHS), "until"
        )
    # A month is the weeks whose Monday falls in it, so months are unions of weeks.
    start = since.replace(day=1)
    end = (until.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    return Window(period, first, monday(end), periods)


def resolution_of(area_by: AreaBy, resolution: int | None) -> int | None:
    if area_by != AreaBy.CELL:
        return None
    if resolution is None:
        return BASE_RESOLUTION
    if not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise DomainError(
            E.INVALID,
            _(
                "Areas are H3 cells of resolution {MIN_RESOLUTION} to {MAX_RESOLUTION}.",
                MIN_RESOLUTION=MIN_RESOLUTION,
                MAX_RESOLUTION=MAX_RESOLUTION,
            ),
            "resolution",
        )
    return resolution


def cells(areas: list[str], resolution: int) -> tuple[str, ...]:
    """The asked cells, each an H3 cell of `resolution` (NOT_FOUND otherwise)."""
    found = []
    for area in areas:
        cell = area.strip().lower()
        if not (h3.is_valid_cell(cell) and h3.get_resolution(cell) == resolution):
            raise DomainError(
                E.NOT_FOUND,
                _(
                    "{area!r} is not an H3 cell of resolution {resolution}.",
                    area=area[:20],
                    resolution=resolution,
                ),
                "areas",
            )
        found.append(cell)
    return tuple(dict.fromkeys(found))


def ask(
    *,
    metrics: list[Metric],
    area_by: AreaBy,
    resolution: int | None,
    areas: list[str] | None,
    period: PeriodBy,
    since: date,
    until: date,
    by_dimension: bool,
    ward_codes: set[str] | None = None,
) -> Ask:
    """Validates a question against the grid; `ward_codes`: the hub's wards (for WARD)."""
    if not metrics:
        raise DomainError(E.INVALID, _("Ask for at least one metric."), "metrics")
    res = resolution_of(area_by, resolution)
    areas = areas or []
    if len(areas) > MAX_AREAS:
        raise DomainError(
            E.INVALID, _("At most {MAX_AREAS} areas at a time.", MAX_AREAS=MAX_AREAS), "areas"
        )
    chosen: tuple[str, ...] = ()
    if areas and area_by == AreaBy.HUB:
        raise DomainError(E.INVALID, _("Areas are given with areaBy CELL or WARD."), "areas")
    if areas and area_by == AreaBy.CELL:
        assert res is not None
        chosen = cells(areas, res)
    if areas and area_by == AreaBy.WARD:
        unknown = [a for a in areas if a not in (ward_codes or set())]
        if unknown:
            raise DomainError(
                E.NOT_FOUND, _("No ward {unknown!r} in this hub.", unknown=unknown[0][:40]), "areas"
            )
        chosen = tuple(dict.fromkeys(areas))
    return Ask(
        metrics=tuple(dict.fromkeys(metrics)),
        area_by=area_by,
        resolution=res,
        areas=chosen,
        window=window(period=period, since=since, until=until),
        by_dimension=by_dimension,
    )
