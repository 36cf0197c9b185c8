"""The owner's rules a slot of an asset must keep, written once: its length (min/max minutes),
the notice before its start, and, for bookings, one opening window of its local day.

Each rule is one SQL predicate over the asset row (alias `a`) and the slot (`Slot`: SQL
expressions of its start, end, length, the hub's time zone and now). The search's "free in a
range" filter puts the predicates in its WHERE (app/assets/search.py); a booking or a loan
request selects the same predicates as named verdicts of the asset row it locks (`load`) and
answers with the typed error of each rule that fails (`failures`). The two never disagree:
they run the very same expressions.

Opening hours are wall-clock times in the hub's time zone (`AT TIME ZONE` in PostgreSQL, so
right on both sides of a daylight-saving change): a slot fits when its local start is inside a
window of its local weekday and its local end is no later than that window's close on the
start's local day ("24:00" is the next midnight). Lengths count whole minutes.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Literal

from tortoise import Tortoise

from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset, AssetKind
from app.errors import DomainError
from app.i18n import _
from app.opportunities.search import Sql

# The furthest ahead a slot may start (search and booking alike).
MAX_HORIZON = timedelta(days=2 * 365)
# The hub's time zone, for an asset row `a`.
HUB_ZONE = "(SELECT h.timezone FROM hub h WHERE h.id = a.hub_id)"

# What a member reads when a rule refuses a slot (str.format over the asset's columns).
TEXTS = {
    "not_too_short": _("At least {min_minutes} minutes."),
    "not_too_long": _("At most {max_minutes} minutes."),
    "enough_notice": _("Ask at least {notice_minutes} minutes before it starts."),
    "within_opening_hours": _("Not within one of its opening windows (in the hub's time zone)."),
}


def minutes_between(starts: datetime, ends: datetime) -> int:
    """A slot's length in whole minutes (what the length rules compare)."""
    return int((ends - starts).total_seconds() // 60)


@dataclass(frozen=True)
class Slot:
    """SQL expressions of a slot: its start and end (timestamptz), its length in minutes, the
    hub's time zone and the time it is asked at."""

    start: str
    end: str
    minutes: str
    zone: str
    now: str

    @classmethod
    def bound(
        cls, sql: Sql, starts: datetime, ends: datetime, *, zone: str, now: datetime | None = None
    ) -> "Slot":
        """The slot [starts, ends) as parameters of `sql`; `now` None: the statement's now()."""
        return cls(
            start=f"{sql.param(starts.astimezone(UTC))}::timestamptz",
            end=f"{sql.param(ends.astimezone(UTC))}::timestamptz",
            minutes=sql.param(minutes_between(starts, ends)),
            zone=zone,
            now="now()" if now is None else f"{sql.param(now.astimezone(UTC))}::timestamptz",
        )


def _not_too_short(a: str, s: Slot) -> str:
    return f"({a}.min_minutes IS NULL OR {a}.min_minutes <= {s.minutes})"


def _not_too_long(a: str, s: Slot) -> str:
    return f"({a}.max_minutes IS NULL OR {a}.max_minutes >= {s.minutes})"


def _enough_notice(a: str, s: Slot) -> str:
    return f"{s.start} >= {s.now} + {a}.notice_minutes * interval '1 minute'"


def _within_opening_hours(a: str, s: Slot) -> str:
    local_start = f"({s.start} AT TIME ZONE {s.zone})"
    local_end = f"({s.end} AT TIME ZONE {s.zone})"
    return (
        f"({a}.opening_hours = '[]'::jsonb OR EXISTS (SELECT 1"
        f" FROM jsonb_array_elements({a}.opening_hours) w"
        f" WHERE (w->>'weekday')::int = extract(isodow FROM {local_start})::int"
        f" AND {local_start}::time >= (w->>'from')::time"
        f" AND {local_end} <= {local_start}::date + (w->>'to')::time))"
    )


@dataclass(frozen=True)
class Rule:
    name: str
    code: E
    # Which end of the slot is at fault (the caller names its input field).
    end: Literal["start", "end"]
    kinds: frozenset[AssetKind]
    predicate: Callable[[str, Slot], str]

    def error(self, asset: Asset, fields: Mapping[str, str]) -> DomainError:
        message = TEXTS[self.name].format(**{c: getattr(asset, c) for c in _RULE_COLUMNS})
        return DomainError(self.code, message, fields[self.end])


_BOTH = frozenset({AssetKind.BOOKABLE, AssetKind.LOAN})
_RULE_COLUMNS = ("min_minutes", "max_minutes", "notice_minutes")
RULES: tuple[Rule, ...] = (
    Rule("not_too_short", E.TOO_SHORT, "end", _BOTH, _not_too_short),
    Rule("not_too_long", E.TOO_LONG, "end", _BOTH, _not_too_long),
    Rule("enough_notice", E.TOO_SOON, "start", _BOTH, _enough_notice),
    Rule(
        "within_opening_hours",
        E.OUTSIDE_OPENING_HOURS,
        "start",
        frozenset({AssetKind.BOOKABLE}),
        _within_opening_hours,
    ),
)


def rules_for(kind: AssetKind) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if kind in rule.kinds)


def predicates(kind: AssetKind, alias: str, slot: Slot) -> list[str]:
    """The WHERE clauses that keep the assets of `kind` whose rules `slot` keeps."""
    return [rule.predicate(alias, slot) for rule in rules_for(kind)]


@cache
def _columns() -> str:
    return ", ".join(f"a.{column}" for column in sorted(Asset._meta.db_fields))


async def load(
    *,
    hub_id: int,
    asset_id: int,
    starts: datetime,
    ends: datetime,
    now: datetime,
    lock: Literal["SHARE", "NO KEY UPDATE"] = "NO KEY UPDATE",
) -> tuple[Asset, list[Rule]] | None:
    """The asset in the hub, locked, with the rules of its kind that the slot [starts, ends)
    breaks; None when there is no such asset.

    FOR NO KEY UPDATE (the default) takes the bookings and loan requests of one asset one at a
    time (a withdrawal or an edit of its rules waits too; rows that only reference the asset
    do not): the exclusion constraint still decides whether a slot is free, but two
    transactions inserting conflicting rows at the same moment may each wait for the other
    (PostgreSQL checks an exclusion constraint after inserting the index entry:
    src/backend/executor/execIndexing.c, "There is a chance of deadlock"). Seen in
    tests/assets/test_booking_races.py under FOR SHARE: 40P01 instead of SLOT_TAKEN."""
    sql = Sql()
    slot = Slot.bound(sql, starts, ends, zone=HUB_ZONE, now=now)
    verdicts = [
        f"{rule.predicate('a', slot)} AS rule_{rule.name}" for rule in RULES
    ]  # every rule is computed; those of other kinds are ignored below
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT {_columns()}, {', '.join(verdicts)} FROM asset a"
        f" WHERE a.id = {sql.param(asset_id)} AND a.hub_id = {sql.param(hub_id)}"
        f" FOR {lock} OF a",
        sql.params,
    )
    if not rows:
        return None
    row: dict[str, Any] = dict(rows[0])
    verdict = {rule.name: row.pop(f"rule_{rule.name}") for rule in RULES}
    asset = Asset._init_from_db(**row)
    return asset, [rule for rule in rules_for(asset.kind) if not verdict[rule.name]]


def failures(asset: Asset, broken: list[Rule], fields: Mapping[str, str]) -> list[DomainError]:
    """The typed error of each broken rule; `fields` names the input fields of the slot's
    "start" and "end"."""
    return [rule.error(asset, fields) for rule in broken]
