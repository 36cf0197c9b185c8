"""What sharing diverted and saved, summed from impact_record in SQL: for the hub (over a period)
and for members and organisations, as the owner side that gave or lent ("given"), as the side
that received ("received"), and both without counting a share twice ("total").

Each record is one completed share (app/assets/impact.py records them; the numbers are the
ones its factor gave then). Grams and minor currency units stay integers here; the API shows
kilograms. Money is summed per currency: a hub that changed its factors' currency has one
total for each.

Who sees them (app/assets/impact_policy.py, app/people/policy.py, app/organisations/policy.py):
the hub's totals and an organisation's are public (organisations showcase their impact); a
member's are for signed-in members of the hub.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise

from app.assets.errors import AssetErrorCode as E
from app.errors import DomainError
from app.i18n import _

_COUNTS = (
    "count(*) AS shares, count(r.giveaway_request_id) AS giveaways, count(r.loan_id) AS loans,"
    " count(r.booking_id) AS bookings, count(r.off_site_share_id) AS off_site,"
    " coalesce(sum(r.diverted_g), 0) AS diverted_g, coalesce(sum(r.co2e_g), 0) AS co2e_g,"
    " coalesce(sum(r.value_minor), 0) AS value_minor"
)
# The profile columns of each kind of party: (as owner side, as receiver).
_PARTY = {
    "member": ("owner_member_id", "receiver_member_id"),
    "organisation": ("owner_organisation_id", "receiver_organisation_id"),
}


@dataclass(frozen=True)
class Money:
    currency: str  # ISO 4217
    amount_minor: int  # in the currency's minor unit (pence, cents)


@dataclass(frozen=True)
class Totals:
    shares: int = 0  # completed shares (each giveaway handover, loan, booking, off-site share)
    giveaways: int = 0
    loans: int = 0
    bookings: int = 0
    off_site: int = 0
    diverted_g: int = 0
    co2e_g: int = 0
    value: tuple[Money, ...] = ()


@dataclass(frozen=True)
class ProfileImpact:
    given: Totals = field(default_factory=Totals)  # as the owner side (gave, lent, hosted)
    received: Totals = field(default_factory=Totals)
    total: Totals = field(default_factory=Totals)  # either side, each share once


def _fold(rows: list[dict[str, Any]]) -> Totals:
    """Rows of one total, one per currency, into one Totals."""
    if not rows:
        return Totals()
    keys = ("shares", "giveaways", "loans", "bookings", "off_site", "diverted_g", "co2e_g")
    sums = {k: sum(int(r[k]) for r in rows) for k in keys}
    value = tuple(
        Money(r["currency"], int(r["value_minor"]))
        for r in sorted(rows, key=lambda r: r["currency"])
    )
    return Totals(**sums, value=value)


async def hub_totals(
    *, hub_id: int, since: datetime | None = None, until: datetime | None = None
) -> Totals:
    """The hub's totals of shares completed in [since, until) (either bound may be left out).
    One statement."""
    for name, bound in (("since", since), ("until", until)):
        if bound is not None and bound.tzinfo is None:
            raise DomainError(E.INVALID, _("Give a time zone (UTC offset)."), name)
    if since is not None and until is not None and until <= since:
        raise DomainError(E.INVALID, _("Must be after since."), "until")
    where: list[str] = ["r.hub_id = $1"]
    params: list[Any] = [hub_id]
    if since is not None:
        params.append(since)
        where.append(f"r.occurred_at >= ${len(params)}")
    if until is not None:
        params.append(until)
        where.append(f"r.occurred_at < ${len(params)}")
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT r.currency, {_COUNTS} FROM impact_record r WHERE {' AND '.join(where)}"
        " GROUP BY r.currency",
        params,
    )
    return _fold(rows)


async def profile_totals(*, hub_id: int, party: str, ids: list[int]) -> list[ProfileImpact]:
    """Each member's or organisation's (`party`) totals, in the order of `ids`: one statement
    for any number of them (the DataLoader's batch), each side through its own index."""
    if not ids:
        return []
    owner, receiver = _PARTY[party]
    branch = (
        "SELECT k.id AS key, '{side}' AS side, r.currency, {counts}"
        " FROM unnest($2::bigint[]) AS k(id) JOIN impact_record r"
        " ON r.hub_id = $1 AND ({on}) GROUP BY k.id, r.currency"
    )
    sql = " UNION ALL ".join(
        branch.format(side=side, counts=_COUNTS, on=on)
        for side, on in (
            ("given", f"r.{owner} = k.id"),
            ("received", f"r.{receiver} = k.id"),
            ("total", f"r.{owner} = k.id OR r.{receiver} = k.id"),
        )
    )
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, [hub_id, ids])
    found: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        found[row["key"], row["side"]].append(row)
    return [
        ProfileImpact(
            given=_fold(found[i, "given"]),
            received=_fold(found[i, "received"]),
            total=_fold(found[i, "total"]),
        )
        for i in ids
    ]


@dataclass(frozen=True)
class MonthTotals:
    month: datetime  # the first instant of the month, UTC
    totals: Totals


async def monthly_totals(
    *, hub_id: int, party: str, party_id: int, since: datetime, until: datetime
) -> list[MonthTotals]:
    """One member's or organisation's totals (either side, each share once) per calendar month
    (UTC) of shares completed in [since, until), months with none left out. One statement."""
    owner, receiver = _PARTY[party]
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT date_trunc('month', r.occurred_at AT TIME ZONE 'UTC') AS month, r.currency,"
        f" {_COUNTS} FROM impact_record r WHERE r.hub_id = $1"
        f" AND (r.{owner} = $2 OR r.{receiver} = $2) AND r.occurred_at >= $3"
        " AND r.occurred_at < $4 GROUP BY 1, r.currency ORDER BY 1",
        [hub_id, party_id, since, until],
    )
    by_month: dict[datetime, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_month[row["month"]].append(row)
    return [
        MonthTotals(month.replace(tzinfo=UTC), _fold(found))
        for month, found in sorted(by_month.items())
    ]
