"""An organisation's impact per calendar month (UTC):

- social: verified volunteer hours received (on its requests) and given (on its offers, by its
  people), people helped (members who received its offers' help), opportunities filled (its
  opportunities with verified hours that month);
- environmental: kilograms diverted and CO2e avoided by the shares it gave or received (each
  once), from app/assets/impact_totals.monthly_totals;
- economic: the value those shares saved (per currency, same rows) and credits spent with it
  (posted vouchers, exchanges and rentals paid into its account).
Every figure is summed in SQL from its records; nothing is stored twice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise

from app.assets.impact_totals import Money, monthly_totals
from app.organisations.models import Organisation

_SOCIAL = """
SELECT date_trunc('month', h.worked_on)::date AS month,
       coalesce(sum(h.minutes) FILTER (WHERE o.kind = 'request'), 0)::bigint AS received,
       coalesce(sum(h.minutes) FILTER (WHERE o.kind = 'offer'), 0)::bigint AS given,
       count(DISTINCT a.applicant_id) FILTER (WHERE o.kind = 'offer')::int AS helped,
       count(DISTINCT h.opportunity_id)::int AS filled
  FROM hours_record h
  JOIN opportunity o ON o.id = h.opportunity_id AND o.hub_id = h.hub_id
  JOIN application a ON a.id = h.application_id AND a.hub_id = h.hub_id
 WHERE h.hub_id = $1 AND o.organisation_id = $2 AND h.status = 'verified'
   AND h.worked_on >= $3::date AND h.worked_on < $4::date
 GROUP BY 1 ORDER BY 1
"""
_CREDITS = """
SELECT date_trunc('month', t.created_at AT TIME ZONE 'UTC')::date AS month,
       sum(t.amount)::bigint AS credits
  FROM transfer t JOIN account d ON d.id = t.destination_id AND d.hub_id = t.hub_id
 WHERE t.hub_id = $1 AND d.organisation_id = $2 AND t.status = 'posted'
   AND t.kind IN ('voucher', 'exchange', 'rental')
   AND t.created_at >= $3 AND t.created_at < $4
 GROUP BY 1 ORDER BY 1
"""


@dataclass
class MonthImpact:
    month: str  # YYYY-MM
    hours_received_minutes: int = 0
    hours_given_minutes: int = 0
    people_helped: int = 0
    opportunities_filled: int = 0
    diverted_g: int = 0
    co2e_g: int = 0
    value_saved: tuple[Money, ...] = field(default_factory=tuple)
    credits_received: int = 0


async def organisation_months(
    *, hub_id: int, organisation_id: int, since: datetime, until: datetime
) -> list[MonthImpact]:
    """The organisation's impact in each month of [since, until) that has any, oldest first."""
    conn = Tortoise.get_connection("default")
    months: dict[str, MonthImpact] = defaultdict(lambda: MonthImpact(month=""))

    def at(key: Any) -> MonthImpact:
        name = f"{key.year:04d}-{key.month:02d}"
        found = months[name]
        found.month = name
        return found

    params = [hub_id, organisation_id, since, until]
    for r in await conn.execute_query_dict(_SOCIAL, params):
        m = at(r["month"])
        m.hours_received_minutes, m.hours_given_minutes = int(r["received"]), int(r["given"])
        m.people_helped, m.opportunities_filled = int(r["helped"]), int(r["filled"])
    for shares in await monthly_totals(
        hub_id=hub_id, party="organisation", party_id=organisation_id, since=since, until=until
    ):
        m = at(shares.month)
        m.diverted_g, m.co2e_g = shares.totals.diverted_g, shares.totals.co2e_g
        m.value_saved = shares.totals.value
    for r in await conn.execute_query_dict(_CREDITS, params):
        at(r["month"]).credits_received = int(r["credits"])
    return [months[k] for k in sorted(months)]


async def profile_months(
    *,
    hub_id: int,
    organisation_id: int,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[MonthImpact]:
    """An organisation's profile: its months over [since, until), by default the twelve
    months up to now; none for an organisation not in the hub (as `organisation` is null)."""
    if not await Organisation.exists(id=organisation_id, hub_id=hub_id):
        return []
    start, end = year_to()
    return await organisation_months(
        hub_id=hub_id, organisation_id=organisation_id, since=since or start, until=until or end
    )


def year_to(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The twelve months up to now (the default window of a profile)."""
    now = now or datetime.now(UTC)
    start = datetime(now.year - 1, now.month, 1, tzinfo=UTC)
    return start, now
