"""The ratings queries: one SQL statement per answer aggregates the ratings in PostgreSQL
(count, avg, percentile_cont, stddev_samp, the 1-5 counts) for every slice group and for the
whole at once (GROUPING SETS); Python only applies k and the t-interval. See privacy.py for
what may be read and why.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from time import monotonic
from typing import Any

from tortoise import Tortoise

from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _
from app.organisations.models import Organisation
from app.policy import Viewer
from app.ratings import privacy, stats
from app.ratings.errors import RatingsErrorCode as E
from app.trials.models import Trial, TrialStatus


class Slice(StrEnum):
    NONE = "none"
    AREA = "area"  # H3 cell at the hub's ratings resolution (the tester's home at reporting)
    AGE_BAND = "age_band"
    WEEK = "week"  # ISO week (Monday, UTC) of the report's first submission


WEEK_KEY = "to_char(date_trunc('week', r.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD')"
RESOLUTIONS = (5, 6, 7)


def _key(slice_by: Slice, resolution: int) -> str:
    if slice_by == Slice.AREA:
        if resolution not in RESOLUTIONS:
            raise DomainError(E.INVALID, _("The hub's area resolution is not 5, 6 or 7."), None)
        return f"coalesce(r.cell{resolution}, 'unknown')"
    if slice_by == Slice.AGE_BAND:
        return "coalesce(r.age_band, 'unknown')"
    if slice_by == Slice.WEEK:
        return WEEK_KEY
    return "'all'"


_SCORES = ", ".join(
    f"coalesce(sum(n) FILTER (WHERE score = {s}), 0)::int AS s{s}" for s in range(1, 6)
)
# Scores are whole numbers 1-5, so each group's 1-5 histogram holds all its statistics: the
# ratings are counted once per (group, dimension, score) with a hash aggregate (GROUPING SETS:
# the slice groups and the whole), and the count, mean, sample standard deviation (from the
# sums of n*s and n*s^2) and median (the middle positions of the cumulative counts: exactly
# percentile_cont(0.5)) come from those few rows. One statement; no row per rating leaves it.
_AGGREGATE = f"""
WITH h AS (
    SELECT grouping(g) = 1 AS whole, g, d, min(dim)::int AS idx, score, first,
           count(*)::bigint AS n
      FROM (SELECT {{key}} AS g, t.dimensions ->> rt.dimension::int AS d, rt.dimension AS dim,
                   rt.score::int AS score, rt.dimension = 0 AS first
              FROM trial_rating rt
              JOIN trial_report r ON r.id = rt.report_id AND r.hub_id = rt.hub_id
              JOIN trial t ON t.id = rt.trial_id AND t.hub_id = rt.hub_id
             WHERE rt.hub_id = $1 AND rt.trial_id = ANY($2::bigint[]) {{period}}) x
     GROUP BY GROUPING SETS ((g, d, score, first), (d, score, first))
), c AS (
    SELECT *, (sum(n) OVER (PARTITION BY whole, g, d ORDER BY score))::bigint AS upto,
           (sum(n) OVER (PARTITION BY whole, g, d))::bigint AS total
      FROM h
), stats AS (
    SELECT whole, g, d, min(idx) AS idx, sum(n)::int AS n,
           sum(score * n)::float8 / sum(n) AS mean,
           CASE WHEN sum(n) > 1 THEN sqrt(greatest(0, (sum(score * score * n)::float8
               - sum(score * n)::float8 ^ 2 / sum(n)) / (sum(n) - 1))) END AS sd,
           (min(score) FILTER (WHERE upto >= (total + 1) / 2)
               + min(score) FILTER (WHERE upto >= total / 2 + 1)) / 2.0 AS median,
           {_SCORES}
      FROM c GROUP BY whole, g, d
), testers AS (
    SELECT whole, g, sum(n) FILTER (WHERE first)::int AS testers FROM h GROUP BY whole, g
)
SELECT s.*, tt.testers FROM stats s
  JOIN testers tt ON tt.whole = s.whole AND tt.g IS NOT DISTINCT FROM s.g
"""


@dataclass(frozen=True)
class Group:
    key: str | None  # the cell, band or week (Monday); None: the whole
    testers: int | None  # None when suppressed
    suppressed: bool
    dimensions: list[stats.Dimension]


@dataclass
class Ratings:
    trial_ids: list[int]
    k: int
    slice: Slice
    whole: Group
    groups: list[Group] = field(default_factory=list)
    excluded_trials: int = 0  # across a business: trials left out for having fewer than k
    first_week: date | None = None
    last_week: date | None = None

    @property
    def suppressed_groups(self) -> int:
        return sum(1 for g in self.groups if g.suppressed)


async def _hub(hub_id: int) -> Hub:
    return await Hub.get(id=hub_id)


async def readable_trial(viewer: Viewer, trial_id: int) -> Trial:
    """A closed trial the viewer may read ratings of: its business's people, hub admins, or
    anyone in the hub once the business published them."""
    from app.trials.policy import RATINGS_READERS

    trial = await Trial.get_or_none(id=trial_id, hub_id=viewer.hub_id)
    if trial is None:
        raise DomainError(E.NOT_FOUND, _("No such trial."), "trialId")
    if not (trial.publish_ratings or await RATINGS_READERS.allows(viewer, trial)):
        raise DomainError(E.FORBIDDEN, _("Only the business reads these ratings."), "trialId")
    if trial.status != TrialStatus.CLOSED:
        raise DomainError(
            E.NOT_CLOSED, _("Ratings are read once the trial's window has closed."), "trialId"
        )
    return trial


def _dimension(row: dict[str, Any]) -> stats.Dimension:
    return stats.dimension(
        index=int(row["idx"]),
        name=str(row["d"]),
        count=int(row["n"]),
        mean=float(row["mean"]),
        median=float(row["median"]),
        stddev=None if row["sd"] is None else float(row["sd"]),
        distribution=[int(row[f"s{s}"]) for s in range(1, 6)],
    )


# Answers of closed trials, whose reports are frozen: the same question (trials, slicing, period,
# the hub's k and resolution) has the same answer, so each API process computes it once per
# CACHE_SECONDS (bounded: a member's erasure reaches the answers within that time).
CACHE_SECONDS = 600.0
CACHE_SIZE = 512
_CACHE: OrderedDict[tuple[Any, ...], tuple[float, tuple["Group", list["Group"]]]] = OrderedDict()


async def _aggregate(
    hub: Hub, trial_ids: list[int], slice_by: Slice, period: tuple[datetime, datetime] | None
) -> tuple[Group, list[Group]]:
    key = (
        hub.id,
        tuple(trial_ids),
        slice_by,
        period,
        privacy.k_of(hub),
        hub.ratings_cell_resolution,
    )
    found = _CACHE.get(key)
    now = monotonic()
    if found is not None and found[0] > now:
        _CACHE.move_to_end(key)
        return found[1]
    answer = await _compute(hub, trial_ids, slice_by, period)
    _CACHE[key] = (now + CACHE_SECONDS, answer)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return answer


async def _compute(
    hub: Hub, trial_ids: list[int], slice_by: Slice, period: tuple[datetime, datetime] | None
) -> tuple[Group, list[Group]]:
    params: list[Any] = [hub.id, trial_ids]
    where = ""
    if period is not None:
        params += list(period)
        where = "AND r.created_at >= $3 AND r.created_at < $4"
    sql = _AGGREGATE.format(key=_key(slice_by, hub.ratings_cell_resolution), period=where)
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, params)
    k = privacy.k_of(hub)
    testers: dict[str | None, int] = {}
    dims: dict[str | None, list[stats.Dimension]] = {}
    for row in rows:
        key = None if row["whole"] else str(row["g"])
        testers[key] = int(row["testers"] or 0)
        dims.setdefault(key, []).append(_dimension(row))
    total = testers.pop(None, 0)
    whole_hidden = total < k
    whole = Group(
        key=None,
        testers=None if whole_hidden else total,
        suppressed=whole_hidden,
        dimensions=[] if whole_hidden else sorted(dims.get(None, []), key=_order),
    )
    if slice_by == Slice.NONE:
        return whole, []
    by_key = {str(key): n for key, n in testers.items()}
    hidden = privacy.suppress(by_key, k) if not whole_hidden else set(by_key)
    groups = [
        Group(
            key=key,
            testers=None if key in hidden else n,
            suppressed=key in hidden,
            dimensions=[] if key in hidden else sorted(dims.get(key, []), key=_order),
        )
        for key, n in sorted(by_key.items())
    ]
    return whole, groups


def _order(d: stats.Dimension) -> tuple[int, str]:
    return (d.index, d.name)


async def trial_ratings(*, viewer: Viewer, trial_id: int, slice_by: Slice = Slice.NONE) -> Ratings:
    """A closed trial's ratings, whole and (optionally) by one slicing, k-anonymous."""
    trial = await readable_trial(viewer, trial_id)
    hub = await _hub(trial.hub_id)
    whole, groups = await _aggregate(hub, [trial.id], slice_by, None)
    return Ratings([trial.id], privacy.k_of(hub), slice_by, whole, groups)


async def business_ratings(
    *, viewer: Viewer, organisation_id: int, slice_by: Slice = Slice.NONE
) -> Ratings:
    """Across the business's closed trials (dimensions matched by name); only trials with at
    least k testers count (privacy.py, 5)."""
    from app.trials.policy import ORGANISATION_READERS

    organisation = await Organisation.get_or_none(id=organisation_id, hub_id=viewer.hub_id)
    if organisation is None:
        raise DomainError(E.NOT_FOUND, _("No such organisation."), "organisationId")
    if not await ORGANISATION_READERS.allows(viewer, organisation):
        raise DomainError(
            E.FORBIDDEN, _("Only the business reads these ratings."), "organisationId"
        )
    assert viewer.hub_id is not None
    hub = await _hub(viewer.hub_id)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT t.id, count(r.id)::int AS testers FROM trial t"
        " LEFT JOIN trial_report r ON r.trial_id = t.id AND r.hub_id = t.hub_id"
        " WHERE t.hub_id = $1 AND t.organisation_id = $2 AND t.status = 'closed'"
        " GROUP BY t.id",
        [hub.id, organisation_id],
    )
    counted = sorted(int(r["id"]) for r in rows if r["testers"] >= privacy.k_of(hub))
    whole, groups = await _aggregate(hub, counted, slice_by, None)
    return Ratings(counted, privacy.k_of(hub), slice_by, whole, groups, len(rows) - len(counted))


def _monday(value: date, field: str) -> date:
    if value.weekday() != 0:
        raise DomainError(E.INVALID, _("Periods are whole weeks: give a Monday."), field)
    return value


async def period_ratings(
    *, viewer: Viewer, trial_id: int, first_week: date, last_week: date
) -> Ratings:
    """A closed trial's ratings over whole weeks [first_week, last_week] (Mondays, UTC).

    Refused (WOULD_ISOLATE) when the period holds some but not all of the weeks the week
    slicing suppresses: set against another answer it could isolate fewer than k testers."""
    trial = await readable_trial(viewer, trial_id)  # who may ask, before what they ask
    _monday(first_week, "firstWeek")
    _monday(last_week, "lastWeek")
    if last_week < first_week:
        raise DomainError(E.INVALID, _("The last week is before the first."), "lastWeek")
    by_week = await trial_ratings(viewer=viewer, trial_id=trial_id, slice_by=Slice.WEEK)
    weeks = {
        g.key
        for g in by_week.groups
        if g.key is not None and first_week <= date.fromisoformat(g.key) <= last_week
    }
    hidden = {g.key for g in by_week.groups if g.suppressed and g.key is not None}
    if not privacy.period_allowed(weeks, hidden):
        raise DomainError(
            E.WOULD_ISOLATE,
            _(
                "This period holds weeks with too few testers: set against another "
                "answer it could single out fewer than {k}. Choose a period made of "
                "weeks that are shown, or one that holds all the withheld weeks.",
                k=by_week.k,
            ),
            "firstWeek",
        )
    hub = await _hub(trial.hub_id)
    start = datetime.combine(first_week, time(), tzinfo=UTC)
    end = datetime.combine(last_week + timedelta(days=7), time(), tzinfo=UTC)
    whole, _slices = await _aggregate(hub, [trial.id], Slice.NONE, (start, end))
    return Ratings(
        [trial.id], privacy.k_of(hub), Slice.NONE, whole, first_week=first_week,
        last_week=last_week,
    )  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    first: Ratings
    second: Ratings
    mean_differences: dict[str, float]  # by dimension name: second's mean minus first's


def compare(first: Ratings, second: Ratings) -> Comparison:
    means = {d.name: d.mean for d in first.whole.dimensions}
    return Comparison(
        first,
        second,
        {d.name: d.mean - means[d.name] for d in second.whole.dimensions if d.name in means},
    )


async def compare_trials(*, viewer: Viewer, first_id: int, second_id: int) -> Comparison:
    return compare(
        await trial_ratings(viewer=viewer, trial_id=first_id),
        await trial_ratings(viewer=viewer, trial_id=second_id),
    )


async def compare_periods(
    *, viewer: Viewer, trial_id: int, first: tuple[date, date], second: tuple[date, date]
) -> Comparison:
    return compare(
        await period_ratings(
            viewer=viewer, trial_id=trial_id, first_week=first[0], last_week=first[1]
        ),
        await period_ratings(
            viewer=viewer, trial_id=trial_id, first_week=second[0], last_week=second[1]
        ),
    )
