"""The rule engine's metrics: for each, one set-based statement that gives every holder's value
(`SELECT holder_id, value ... GROUP BY holder_id`), for the whole hub (the nightly recompute)
or for a few holders (an event). A badge's rule holds when value >= threshold.

Units (thresholds are integers in them):
- VERIFIED_HOURS: whole hours of verified hours records (members: as the volunteer;
  organisations: on their opportunities), optionally in one opportunity category or with one
  skill; SERVICES_DELIVERED: applications with verified hours;
- GIVEAWAYS_COMPLETED, LOANS_COMPLETED, BOOKINGS_HOSTED: completed shares on the owner side
  (impact_record, one per completed share); KG_DIVERTED: kilograms of the shares given or
  received, each share once (the same rows as app/assets/impact_totals.py "total");
- CAMPAIGNS_BACKED: campaigns whose pledge was captured (they succeeded);
- REVIEWS_RECEIVED: reviews about the member; REVIEW_AVERAGE: their average in hundredths of a
  star (450 = 4.5), once there are at least MIN_REVIEWS;
- RELIABILITY: per cent of the accepted places (requests already over) with verified hours,
  once there are at least MIN_PLACES;
- ACTIVE_STREAK_MONTHS: the longest run of consecutive calendar months with verified hours.
"Firsts" are rules with threshold 1 on a count (first hours, first giveaway, first campaign).
A period (past year, past month) keeps only the records of that window.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from app.badges.models import HolderKind, Period

MIN_REVIEWS = 3
MIN_PLACES = 5


class Metric(StrEnum):
    VERIFIED_HOURS = "verified_hours"
    SERVICES_DELIVERED = "services_delivered"
    GIVEAWAYS_COMPLETED = "giveaways_completed"
    LOANS_COMPLETED = "loans_completed"
    KG_DIVERTED = "kg_diverted"
    BOOKINGS_HOSTED = "bookings_hosted"
    CAMPAIGNS_BACKED = "campaigns_backed"
    REVIEWS_RECEIVED = "reviews_received"
    REVIEW_AVERAGE = "review_average"
    RELIABILITY = "reliability"
    ACTIVE_STREAK_MONTHS = "active_streak_months"


@dataclass(frozen=True)
class Rule:
    metric: Metric
    threshold: int
    holder_kind: HolderKind = HolderKind.MEMBER
    category_id: int | None = None
    skill_id: int | None = None
    period: Period = Period.ALL_TIME


@dataclass
class Params:
    """Numbered parameters of one statement: `p(value)` adds one and returns its `$n`."""

    values: list[Any] = field(default_factory=list)

    def p(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def since_of(period: Period, now: datetime) -> datetime | None:
    return {
        Period.ALL_TIME: None,
        Period.PAST_YEAR: now - timedelta(days=365),
        Period.PAST_MONTH: now - timedelta(days=30),
    }[period]


@dataclass(frozen=True)
class Scope:
    hub: str  # the $n of the hub id
    since: datetime | None
    holders: list[int] | None  # None: every holder of the hub


def _in(q: Params, column: str, scope: Scope) -> str:
    return f" AND {column} = ANY({q.p(scope.holders)}::bigint[])" if scope.holders else ""


def _after(q: Params, column: str, scope: Scope, *, date: bool = False) -> str:
    if scope.since is None:
        return ""
    value = scope.since.date() if date else scope.since
    return f" AND {column} >= {q.p(value)}"


def _hours(q: Params, rule: Rule, scope: Scope, value: str, *, by_month: bool = False) -> str:
    """Over the verified hours records of the holders; `by_month`: one row per holder and month."""
    member = rule.holder_kind == HolderKind.MEMBER
    holder = "h.volunteer_id" if member else "o.organisation_id"
    joins = ""
    where = ""
    if not member or rule.category_id is not None:
        joins += " JOIN opportunity o ON o.id = h.opportunity_id AND o.hub_id = h.hub_id"
    if not member:
        where += " AND o.organisation_id IS NOT NULL"
    if rule.category_id is not None:
        where += f" AND o.category_id = {q.p(rule.category_id)}"
    if rule.skill_id is not None:
        joins += (
            " JOIN opportunity_skill os ON os.opportunity_id = h.opportunity_id"
            f" AND os.hub_id = h.hub_id AND os.skill_id = {q.p(rule.skill_id)}"
        )
    month = ", date_trunc('month', h.worked_on) AS month" if by_month else ""
    return (
        f"SELECT {holder} AS holder_id, {value} AS value{month} FROM hours_record h{joins}"
        f" WHERE h.hub_id = {scope.hub} AND h.status = 'verified'{where}"
        f"{_after(q, 'h.worked_on', scope, date=True)}{_in(q, holder, scope)}"
        f" GROUP BY 1{', 3' if by_month else ''}"
    )


def verified_hours(q: Params, rule: Rule, scope: Scope) -> str:
    return _hours(q, rule, scope, "sum(h.minutes) / 60")


def services_delivered(q: Params, rule: Rule, scope: Scope) -> str:
    return _hours(q, rule, scope, "count(DISTINCT h.application_id)")


def _owner_side(cause: str) -> Callable[[Params, Rule, Scope], str]:
    def metric(q: Params, rule: Rule, scope: Scope) -> str:
        holder = f"r.owner_{rule.holder_kind.value}_id"
        return (
            f"SELECT {holder} AS holder_id, count(*) AS value FROM impact_record r"
            f" WHERE r.hub_id = {scope.hub} AND r.{cause} IS NOT NULL AND {holder} IS NOT NULL"
            f"{_after(q, 'r.occurred_at', scope)}{_in(q, holder, scope)} GROUP BY 1"
        )

    return metric


def kg_diverted(q: Params, rule: Rule, scope: Scope) -> str:
    kind = rule.holder_kind.value
    branches = []
    for side in ("owner", "receiver"):
        holder = f"r.{side}_{kind}_id"
        branches.append(
            f"SELECT r.id, {holder} AS holder_id, r.diverted_g FROM impact_record r"
            f" WHERE r.hub_id = {scope.hub} AND {holder} IS NOT NULL"
            f"{_after(q, 'r.occurred_at', scope)}{_in(q, holder, scope)}"
        )
    return (
        "SELECT s.holder_id, sum(s.diverted_g) / 1000 AS value"
        f" FROM ({' UNION '.join(branches)}) s GROUP BY 1"
    )


def campaigns_backed(q: Params, rule: Rule, scope: Scope) -> str:
    member = rule.holder_kind == HolderKind.MEMBER
    holder = "p.member_id" if member else "p.organisation_id"
    who = " AND p.organisation_id IS NULL" if member else " AND p.organisation_id IS NOT NULL"
    return (
        f"SELECT {holder} AS holder_id, count(DISTINCT p.campaign_id) AS value"
        f" FROM campaign_pledge p WHERE p.hub_id = {scope.hub} AND p.status = 'captured'{who}"
        f"{_after(q, 'p.created_at', scope)}{_in(q, holder, scope)} GROUP BY 1"
    )


def reviews_received(q: Params, rule: Rule, scope: Scope) -> str:
    return (
        "SELECT r.subject_id AS holder_id, count(*) AS value FROM review r"
        f" WHERE r.hub_id = {scope.hub}{_after(q, 'r.created_at', scope)}"
        f"{_in(q, 'r.subject_id', scope)} GROUP BY 1"
    )


def review_average(q: Params, rule: Rule, scope: Scope) -> str:
    return (
        "SELECT r.subject_id AS holder_id, (avg(r.rating) * 100)::int AS value FROM review r"
        f" WHERE r.hub_id = {scope.hub}{_after(q, 'r.created_at', scope)}"
        f"{_in(q, 'r.subject_id', scope)} GROUP BY 1 HAVING count(*) >= {MIN_REVIEWS}"
    )


def reliability(q: Params, rule: Rule, scope: Scope) -> str:
    return (
        "SELECT a.applicant_id AS holder_id,"
        " (100 * count(v.application_id) / count(*))::int AS value"
        " FROM application a JOIN opportunity o ON o.id = a.opportunity_id AND o.hub_id = a.hub_id"
        " LEFT JOIN (SELECT DISTINCT application_id FROM hours_record"
        f"   WHERE hub_id = {scope.hub} AND status = 'verified') v ON v.application_id = a.id"
        f" WHERE a.hub_id = {scope.hub} AND a.status = 'accepted' AND o.kind = 'request'"
        " AND coalesce(o.ends_at, o.starts_at) < now()"
        f"{_after(q, 'coalesce(o.ends_at, o.starts_at)', scope)}{_in(q, 'a.applicant_id', scope)}"
        f" GROUP BY 1 HAVING count(*) >= {MIN_PLACES}"
    )


def active_streak_months(q: Params, rule: Rule, scope: Scope) -> str:
    months = _hours(q, rule, scope, "0", by_month=True)
    return (
        "SELECT holder_id, max(n) AS value FROM ("
        "  SELECT holder_id, count(*) AS n FROM ("
        "    SELECT holder_id, (extract(year FROM month) * 12 + extract(month FROM month))::int"
        "      - row_number() OVER (PARTITION BY holder_id ORDER BY month) AS run"
        f"    FROM ({months}) m) g"
        "  GROUP BY holder_id, run) s GROUP BY 1"
    )


Builder = Callable[[Params, Rule, Scope], str]
BUILDERS: dict[Metric, Builder] = {
    Metric.VERIFIED_HOURS: verified_hours,
    Metric.SERVICES_DELIVERED: services_delivered,
    Metric.GIVEAWAYS_COMPLETED: _owner_side("giveaway_request_id"),
    Metric.LOANS_COMPLETED: _owner_side("loan_id"),
    Metric.KG_DIVERTED: kg_diverted,
    Metric.BOOKINGS_HOSTED: _owner_side("booking_id"),
    Metric.CAMPAIGNS_BACKED: campaigns_backed,
    Metric.REVIEWS_RECEIVED: reviews_received,
    Metric.REVIEW_AVERAGE: review_average,
    Metric.RELIABILITY: reliability,
    Metric.ACTIVE_STREAK_MONTHS: active_streak_months,
}
# Metrics an organisation has (reviews and reliability are about members' own help).
ORGANISATION_METRICS = frozenset(BUILDERS) - {
    Metric.REVIEWS_RECEIVED,
    Metric.REVIEW_AVERAGE,
    Metric.RELIABILITY,
}
# Narrowing to a category or a skill is about hours.
NARROWABLE = frozenset(
    {Metric.VERIFIED_HOURS, Metric.SERVICES_DELIVERED, Metric.ACTIVE_STREAK_MONTHS}
)


def values_sql(
    q: Params, rule: Rule, *, hub: str, now: datetime, holders: list[int] | None = None
) -> str:
    """`SELECT holder_id, value` of `rule`'s metric over the hub (or only `holders`)."""
    scope = Scope(hub=hub, since=since_of(rule.period, now), holders=holders)
    return BUILDERS[rule.metric](q, rule, scope)
