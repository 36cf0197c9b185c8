"""The invariants, checked after every step in one consistent snapshot of the database.

`check_step` holds whatever the worker is doing meanwhile: the books, limits, holds, entries,
exactly-once credits, places, vouchers, payment requests, and the model's predictions (within
the bounds of what background jobs may not have done yet). `check_barrier` runs once the
worker has drained: everything the model expects, exactly, and the effects of the jobs
(credits, emails, notifications) counted, each done once.
"""

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app import ids
from tests.simulation.model import Model
from tests.simulation.receiver import Received


class Violation(AssertionError):
    """An invariant does not hold (or the hub did something the model did not predict)."""


@asynccontextmanager
async def snapshot() -> AsyncIterator[BaseDBAsyncClient]:
    """A read-only REPEATABLE READ transaction: every query sees the same moment."""
    async with in_transaction() as conn:
        await conn.execute_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield conn


async def _rows(conn: BaseDBAsyncClient, sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in await conn.execute_query_dict(sql, list(args))]


# --- what holds at every moment ---------------------------------------------------------------

_DB_INVARIANTS: dict[str, str] = {
    "the books do not balance (sum of all balances)": (
        "SELECT sum(balance)::bigint AS total FROM account WHERE hub_id = $1"
        " HAVING sum(balance) <> 0"
    ),
    # Below the limit only if it owed more when the limit was lowered, and no lower than then.
    "an account went below its overdraft limit (or further below)": (
        "SELECT a.id, a.balance, a.held, a.overdraft_limit, f.floor FROM account a"
        " LEFT JOIN unnest($2::bigint[], $3::bigint[]) AS f(member_id, floor)"
        " ON f.member_id = a.member_id WHERE a.hub_id = $1 AND a.overdraft_limit IS NOT NULL"
        " AND a.balance - a.held < -a.overdraft_limit"
        " AND (f.floor IS NULL OR a.balance - a.held < f.floor)"
    ),
    "held is not the sum of the account's pending holds": (
        "SELECT a.id, a.held, coalesce(sum(t.amount), 0)::bigint AS pending FROM account a"
        " LEFT JOIN transfer t ON t.source_id = a.id AND t.status = 'pending'"
        " WHERE a.hub_id = $1 GROUP BY a.id HAVING a.held <> coalesce(sum(t.amount), 0)"
    ),
    "a balance is not the sum of its entries (or not its last running balance)": (
        "SELECT a.id, a.balance, coalesce(sum(e.amount), 0)::bigint AS entries,"
        " (SELECT balance_after FROM entry l WHERE l.account_id = a.id ORDER BY l.id DESC"
        "  LIMIT 1) AS last FROM account a LEFT JOIN entry e ON e.account_id = a.id"
        " WHERE a.hub_id = $1 GROUP BY a.id"
        " HAVING a.balance <> coalesce(sum(e.amount), 0) OR a.balance <> coalesce("
        "  (SELECT balance_after FROM entry l WHERE l.account_id = a.id ORDER BY l.id DESC"
        "   LIMIT 1), 0)"
    ),
    "a transfer's entries are wrong (posted: two summing to 0; else none)": (
        "SELECT t.id, t.status, count(e.id) AS entries FROM transfer t"
        " LEFT JOIN entry e ON e.transfer_id = t.id WHERE t.hub_id = $1"
        " GROUP BY t.id, t.status, t.amount HAVING (t.status = 'posted' AND (count(e.id) <> 2"
        " OR sum(e.amount) <> 0 OR max(e.amount) <> t.amount))"
        " OR (t.status <> 'posted' AND count(e.id) <> 0)"
    ),
    "an hours credit is wrong (not verified, wrong amount or volunteer, or twice)": (
        "SELECT t.id, t.reference, h.status, t.amount, h.minutes FROM transfer t"
        " LEFT JOIN hours_record h ON t.reference = 'hours:' || h.id AND h.hub_id = t.hub_id"
        " LEFT JOIN account a ON a.id = t.destination_id"
        " WHERE t.hub_id = $1 AND (t.kind = 'earn' OR t.reference LIKE 'hours:%')"
        " AND (h.id IS NULL OR h.status <> 'verified' OR t.kind <> 'earn'"
        " OR t.status <> 'posted' OR t.amount <> (h.minutes * $2 + 30) / 60"
        " OR a.member_id IS DISTINCT FROM h.volunteer_id"
        " OR (SELECT count(*) FROM transfer d WHERE d.hub_id = t.hub_id"
        "     AND d.reference = t.reference) <> 1)"
    ),
    "places overfilled, or accepted_count is not the number accepted": (
        "SELECT o.id, o.places, o.accepted_count, o.status,"
        " (SELECT count(*) FROM application a WHERE a.opportunity_id = o.id"
        "  AND a.status = 'accepted') AS accepted FROM opportunity o WHERE o.hub_id = $1"
        " AND (o.accepted_count > o.places OR o.accepted_count <> (SELECT count(*)"
        "  FROM application a WHERE a.opportunity_id = o.id AND a.status = 'accepted')"
        "  OR (o.status IN ('published', 'filled')"
        "      AND (o.status = 'filled') <> (o.accepted_count >= o.places)))"
    ),
    "a voucher was used twice": (
        "SELECT object_id, count(*) AS uses FROM audit_event WHERE hub_id = $1"
        " AND action = 'voucher.use' GROUP BY object_id HAVING count(*) > 1"
    ),
    "a voucher's state is inconsistent (used, refund, transfer)": (
        "SELECT v.id, v.status FROM voucher v JOIN voucher_offer o ON o.id = v.offer_id"
        " JOIN transfer t ON t.id = v.transfer_id"
        " LEFT JOIN transfer r ON r.id = v.refund_id WHERE v.hub_id = $1"
        " AND ((v.status = 'used') <> (v.used_at IS NOT NULL)"
        "  OR (v.status = 'refunded') <> (v.refund_id IS NOT NULL)"
        "  OR t.kind <> 'voucher' OR t.status <> 'posted' OR t.amount <> o.cost"
        "  OR (r.id IS NOT NULL AND (r.status <> 'posted' OR r.amount <> t.amount"
        "      OR r.reference <> 'voucher-refund:' || v.id)))"
    ),
    "a payment request's holds do not match its state": (
        "SELECT r.id, r.status, s.status AS share, t.status AS hold FROM payment_request r"
        " JOIN payment_share s ON s.request_id = r.id LEFT JOIN transfer t ON t.id = s.hold_id"
        " WHERE r.hub_id = $1 AND ("
        "  (r.status = 'completed' AND (s.status <> 'approved' OR t.status <> 'posted'))"
        "  OR (r.status IN ('declined', 'cancelled', 'expired') AND t.status = 'pending')"
        "  OR (r.status <> 'completed' AND t.status = 'posted')"
        "  OR ((s.status = 'approved') <> (s.hold_id IS NOT NULL))"
        "  OR (r.status = 'pending' AND r.expires_at > $2 AND t.status = 'voided')"
        "  OR (t.id IS NOT NULL AND (t.amount <> s.amount OR t.hold_expires_at <> r.expires_at)))"
    ),
    "a pending hold belongs to no pending payment request": (
        "SELECT t.id FROM transfer t WHERE t.hub_id = $1 AND t.status = 'pending'"
        " AND NOT EXISTS (SELECT 1 FROM payment_share s JOIN payment_request r"
        "  ON r.id = s.request_id WHERE s.hold_id = t.id AND r.status = 'pending')"
    ),
    "a member was told more than the hub's daily cap at once (not urgent)": (
        "SELECT n.member_id, (n.created_at AT TIME ZONE h.timezone)::date AS day,"
        " count(*) AS told, min(h.daily_notification_cap) AS cap FROM notification n"
        " JOIN hub h ON h.id = n.hub_id JOIN opportunity o ON o.id = n.opportunity_id"
        " WHERE n.hub_id = $1 AND n.delivery = 'now' AND n.kind = 'opportunity_match'"
        " AND o.urgency <> 'urgent' GROUP BY 1, 2 HAVING count(*) > min(h.daily_notification_cap)"
    ),
    "a notification was made twice": (
        "SELECT member_id, kind, opportunity_id, count(*) AS n FROM notification"
        " WHERE hub_id = $1 GROUP BY member_id, kind, opportunity_id, data->>'once'"
        " HAVING count(*) > 1"
    ),
}

_DB_ARGS = {
    "an account went below its overdraft limit (or further below)": "floors",
    "an hours credit is wrong (not verified, wrong amount or volunteer, or twice)": "rate",
    "a payment request's holds do not match its state": "now",
}


# Invariants that a known bug breaks (see KNOWN): what breaks it, counted by its rows.
_KNOWN_INVARIANTS: dict[str, str] = {}


async def check_step(
    hub_id: int, model: Model, now: datetime, known: dict[str, set[Any]], strict: bool
) -> None:
    """Every invariant, and the model's predictions, in one snapshot."""
    problems: list[str] = []
    async with snapshot() as conn:
        for what, sql in _DB_INVARIANTS.items():
            extra = _DB_ARGS.get(what)
            args: list[Any] = [hub_id]
            if extra == "rate":
                args.append(model.credits_per_hour)
            elif extra == "now":
                args.append(now)
            elif extra == "floors":
                args += [list(model.floors), list(model.floors.values())]
            rows = await _rows(conn, sql, *args)
            if rows and what in _KNOWN_INVARIANTS and not strict:
                known[_KNOWN_INVARIANTS[what]].update(tuple(r.values())[:2] for r in rows)
            elif rows:
                problems.append(f"{what}: {rows[:5]}")
        problems += await _compare(conn, hub_id, model, exact=False)
    if problems:
        raise Violation("\n".join(problems))


async def floors(hub_id: int) -> dict[int, int]:
    """Members whose available balance is below their overdraft limit: member id -> it."""
    async with snapshot() as conn:
        rows = await _rows(
            conn,
            "SELECT member_id, balance - held AS available FROM account WHERE hub_id = $1"
            " AND member_id IS NOT NULL AND overdraft_limit IS NOT NULL"
            " AND balance - held < -overdraft_limit",
            hub_id,
        )
    return {r["member_id"]: r["available"] for r in rows}


async def _compare(conn: BaseDBAsyncClient, hub_id: int, model: Model, *, exact: bool) -> list[str]:
    """The database against the model: states exactly, money within what jobs may still do."""
    problems: list[str] = []
    accounts = {
        (r["member_id"], r["organisation_id"]): r
        for r in await _rows(
            conn,
            "SELECT member_id, organisation_id, balance, held, overdraft_limit FROM account"
            " WHERE hub_id = $1 AND kind <> 'system'",
            hub_id,
        )
    }
    for p in model.people:
        row = accounts.get((p.id, None))  # made on first use: none yet is all zero
        balance, held = (row["balance"], row["held"]) if row else (0, 0)
        high = p.balance + (0 if exact else p.pending_in)
        if not p.balance <= balance <= high:
            problems.append(f"{p.ref}: balance {balance}, expected {p.balance}..{high}")
        top = p.held + (0 if exact else p.releasing)
        if not p.held <= held <= top:
            problems.append(f"{p.ref}: held {held}, expected {p.held}..{top}")
    for o in model.orgs:
        row = accounts.get((None, o.id))
        balance = row["balance"] if row else 0
        low = o.balance - (0 if exact else o.pending_out)
        if not low <= balance <= o.balance:
            problems.append(f"{o.ref}: balance {balance}, expected {low}..{o.balance}")

    states = await _states(conn, hub_id)
    for opp in model.opps:
        status, accepted = states["opportunity"].get(opp.id, (None, None))
        if (status, accepted) != (opp.status, opp.accepted):
            problems.append(f"{opp.ref}: {status}/{accepted}, expected {opp.status}/{opp.accepted}")
    for app in model.apps:
        status = states["application"].get(app.id)
        if status != app.status:
            problems.append(f"{app.ref}: {status}, expected {app.status}")
    for h in model.hours:
        status = states["hours_record"].get(h.id)
        if status != h.status:
            problems.append(f"{h.ref}: {status}, expected {h.status}")
    for offer in model.offers:
        stock = states["voucher_offer"].get(offer.id)
        if stock != offer.stock:
            problems.append(f"{offer.ref}: stock {stock}, expected {offer.stock}")
        issued = sum(1 for v in model.vouchers if v.offer == offer.idx)
        if stock is not None and stock + issued != offer.initial_stock:
            problems.append(
                f"{offer.ref}: stock {stock} + issued {issued} != {offer.initial_stock}"
            )
    for v in model.vouchers:
        status = states["voucher"].get(v.id)
        allowed = {v.status} if v.status != "expiring" else {"issued", "expired", "refunded"}
        if status not in allowed:
            problems.append(f"{v.ref}: {status}, expected {sorted(allowed)}")
    for r in model.requests:
        status = states["payment_request"].get(r.id)
        allowed = {r.status} if r.status != "expiring" else {"pending", "expired"}
        if status not in allowed:
            problems.append(f"{r.ref}: {status}, expected {sorted(allowed)}")
        shares = states["payment_share"].get(r.id, [])
        expected = [(model.people[s.payer].id, s.amount, s.status) for s in r.shares]
        if sorted(shares) != sorted(expected):
            problems.append(f"{r.ref}: shares {sorted(shares)}, expected {sorted(expected)}")

    kinds = Counter(
        {
            r["kind"]: r["n"]
            for r in await _rows(
                conn,
                "SELECT kind, count(*)::int AS n FROM transfer WHERE hub_id = $1 GROUP BY kind",
                hub_id,
            )
        }
    )
    exchanges = len(model.payments) + model.holds_made
    if kinds["exchange"] != exchanges:
        problems.append(f"exchange transfers: {kinds['exchange']}, expected {exchanges}")
    if kinds["voucher"] != len(model.vouchers):
        problems.append(f"voucher transfers: {kinds['voucher']}, expected {len(model.vouchers)}")
    verified = sum(1 for h in model.hours if h.status == "verified")
    credited = sum(1 for h in model.hours if h.credited)
    low = verified if exact else credited
    if not low <= kinds["earn"] <= verified:
        problems.append(f"earn transfers: {kinds['earn']}, expected {low}..{verified}")
    refunded = sum(1 for v in model.vouchers if v.status == "refunded")
    maybe = sum(
        1 for v in model.vouchers if v.status == "expiring" and model.offers[v.offer].refund_unused
    )
    if not refunded <= kinds["refund"] <= refunded + maybe:
        problems.append(f"refunds: {kinds['refund']}, expected {refunded}..{refunded + maybe}")
    unexpected = set(kinds) - {"exchange", "voucher", "earn", "refund"}
    if unexpected:
        problems.append(f"transfers of kinds nobody made: {sorted(unexpected)}")
    return problems


async def _states(conn: BaseDBAsyncClient, hub_id: int) -> dict[str, Any]:
    opps = await _rows(
        conn, "SELECT id, status, accepted_count FROM opportunity WHERE hub_id = $1", hub_id
    )
    shares: dict[int, list[tuple[int, int, str]]] = {}
    for r in await _rows(
        conn,
        "SELECT request_id, payer_id, amount, status FROM payment_share WHERE hub_id = $1",
        hub_id,
    ):
        shares.setdefault(r["request_id"], []).append((r["payer_id"], r["amount"], r["status"]))

    async def column(table: str, name: str) -> dict[int, Any]:
        sql = f"SELECT id, {name} AS v FROM {table} WHERE hub_id = $1"
        return {r["id"]: r["v"] for r in await _rows(conn, sql, hub_id)}

    return {
        "opportunity": {r["id"]: (r["status"], r["accepted_count"]) for r in opps},
        "application": await column("application", "status"),
        "hours_record": await column("hours_record", "status"),
        "voucher_offer": await column("voucher_offer", "stock"),
        "voucher": await column("voucher", "status"),
        "payment_request": await column("payment_request", "status"),
        "payment_share": shares,
    }


# --- after the worker drained -------------------------------------------------------------


@dataclass
class Drain:
    """What a barrier waits for: every job since the run began finished, housekeeping done."""

    unfinished: list[dict[str, Any]]
    failed: list[dict[str, Any]]
    overdue_holds: int
    overdue_requests: int
    overdue_vouchers: int

    @property
    def done(self) -> bool:
        return not (
            self.unfinished or self.overdue_holds or self.overdue_requests or self.overdue_vouchers
        )


async def drain_state(hub_id: int, since: datetime, now: datetime) -> Drain:
    async with snapshot() as conn:
        jobs = await _rows(
            conn,
            "SELECT id, name, status, attempts, relays, created_at, run_after, lease_until,"
            " last_error FROM outbox_job WHERE created_at >= $1 AND status <> 'done'"
            " ORDER BY id",
            since,
        )
        counts = await _rows(
            conn,
            "SELECT (SELECT count(*) FROM transfer WHERE hub_id = $1 AND status = 'pending'"
            "  AND hold_expires_at <= $2)::int AS holds,"
            " (SELECT count(*) FROM payment_request WHERE hub_id = $1 AND status = 'pending'"
            "  AND expires_at <= $2)::int AS requests,"
            " (SELECT count(*) FROM voucher WHERE hub_id = $1 AND status = 'issued'"
            "  AND expires_at <= $2)::int AS vouchers",
            hub_id,
            now,
        )
    return Drain(
        unfinished=[j for j in jobs if j["status"] != "failed"],
        failed=[j for j in jobs if j["status"] == "failed"],
        overdue_holds=counts[0]["holds"],
        overdue_requests=counts[0]["requests"],
        overdue_vouchers=counts[0]["vouchers"],
    )


@dataclass
class Mailbox:
    """The .eml files the workers wrote, read once each."""

    folder: Path
    since: datetime  # older messages are other tests' (the suite shares one folder)
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)

    def read(self) -> list[tuple[str, str, str]]:
        """(file name, to, subject) of every message since the run began, oldest first."""
        first = (self.since - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%S%f")
        if self.folder.exists():
            for path in sorted(self.folder.glob("*.eml")):
                if path.name >= first and path.name not in self.seen:
                    message = message_from_bytes(path.read_bytes(), policy=email_policy.default)
                    self.seen[path.name] = (str(message["To"]), str(message["Subject"]))
        return [(name, *self.seen[name]) for name in sorted(self.seen)]

    def body(self, name: str) -> str:
        message = message_from_bytes((self.folder / name).read_bytes(), policy=email_policy.default)
        return str(message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def file_time(name: str) -> datetime:
    """The file backend names each message by the time it was written (UTC)."""
    from datetime import UTC

    return datetime.strptime(name.split("-")[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


# Bugs the simulation found, each reproduced by an xfail test in test_found.py: counted, not
# failed on, unless the run is strict (the suite stays green; the xfail test turns red once
# the bug is fixed, and then this goes).
KNOWN: dict[str, str] = {}


async def check_barrier(
    hub_id: int,
    model: Model,
    mailbox: Mailbox,
    kills: list[datetime],
    job_timeout: timedelta,
    received: list[Received],
    known: dict[str, set[Any]],
    strict: bool,
) -> dict[str, int]:
    """Everything exactly, once the worker drained; returns counts of what was checked.
    Effects of KNOWN bugs are added to `known`, by name (or fail, when strict)."""
    problems: list[str] = []
    async with snapshot() as conn:
        problems += await _compare(conn, hub_id, model, exact=True)
        verified = [h for h in model.hours if h.status == "verified"]
        credits = {
            r["reference"]: r["n"]
            for r in await _rows(
                conn,
                "SELECT reference, count(*)::int AS n FROM transfer WHERE hub_id = $1"
                " AND kind = 'earn' GROUP BY reference",
                hub_id,
            )
        }
        for h in verified:
            if credits.get(f"hours:{h.id}") != 1:
                problems.append(f"{h.ref} verified, credited {credits.get(f'hours:{h.id}')} times")
        notified = await _rows(
            conn,
            "SELECT n.member_id, o.title FROM notification n"
            " JOIN opportunity o ON o.id = n.opportunity_id"
            " WHERE n.hub_id = $1 AND n.delivery = 'now'",
            hub_id,
        )
        deliveries = await _rows(
            conn,
            "SELECT event_type, message_id, status, payload FROM webhook_delivery"
            " WHERE hub_id = $1 ORDER BY id",
            hub_id,
        )
    problems += _check_webhooks(model, deliveries, received)
    emails = {p.id: p.email for p in model.people} | model.others
    expected: Counter[tuple[str, str]] = Counter()
    for p in model.people:
        expected[(p.email, "Confirm your email address")] += 1
    for app in model.apps:
        email, title = model.people[app.applicant].email, model.opps[app.opp].title
        if app.ever_accepted:
            expected[(email, f"You're in: {title}")] += 1
        if app.status == "declined":
            expected[(email, f"About {title}")] += 1
        if app.cancel_notice:
            expected[(email, f"Cancelled: {title}")] += 1
    for row in notified:
        expected[(emails[row["member_id"]], f"A new opportunity for you: {row['title']}")] += 1

    ours = set(emails.values())
    sent: dict[tuple[str, str], list[str]] = {}
    for name, to, subject in mailbox.read():
        if to in ours:
            sent.setdefault((to, subject), []).append(name)
    duplicates = 0
    for key in sorted(set(expected) | set(sent)):
        names = sent.get(key, [])
        want = expected.get(key, 0)
        if key not in expected and key[1].startswith(_CAUSED):
            problems.append(f"email nobody caused: {key} x{len(names)}")
        elif want and not names:
            problems.append(f"email never sent: {key}")
        elif len(names) > max(want, 1):
            # At least once: a worker killed after writing a message, before recording it, sends
            # it again. Only then: the first copy must be just before a kill.
            extra = names[max(want, 1) - 1 : -1]
            unexplained = [n for n in extra if not _before_a_kill(file_time(n), kills, job_timeout)]
            if unexplained:
                problems.append(f"email sent {len(names)} times, expected {want}: {key}")
            duplicates += len(extra)
    if problems:
        raise Violation("\n".join(problems))
    return {
        "emails": sum(len(n) for n in sent.values()),
        "duplicate_emails": duplicates,
        "credits": len(verified),
        "notifications": len(notified),
        "webhooks": len(deliveries),
        "webhook_requests": len(received),
        "webhooks_resent": _resent(received),
    }


# The object each event is about: its key in the payload's data, and its GraphQL type.
_CAUSE = {
    "opportunity.published": ("opportunity", "Opportunity"),
    "opportunity.cancelled": ("opportunity", "Opportunity"),
    "application.accepted": ("application", "Application"),
    "application.declined": ("application", "Application"),
    "hours.verified": ("hoursRecord", "HoursRecord"),
}


def _subject(event: str, data: dict[str, Any]) -> int:
    """The database id of what a webhook is about (its data names it by global ID); -1 when
    it names nothing of the right type."""
    key, type_name = _CAUSE[event]
    try:
        return ids.pk_of(data[key]["id"], type_name)
    except (KeyError, TypeError, ValueError):
        return -1


def _check_webhooks(
    model: Model, deliveries: list[dict[str, Any]], received: list[Received]
) -> list[str]:
    """One delivery per event, each succeeded, each received (at least once) under its id."""
    expected = {
        "opportunity.published": [o.id for o in model.opps],
        "opportunity.cancelled": [o.id for o in model.opps if o.status == "cancelled"],
        "application.accepted": [a.id for a in model.apps if a.ever_accepted],
        "application.declined": [a.id for a in model.apps if a.status == "declined"],
        "hours.verified": [h.id for h in model.hours if h.status == "verified"],
    }
    problems = []
    for event, pks in expected.items():
        made = [
            _subject(event, _payload(d)["data"]) for d in deliveries if d["event_type"] == event
        ]
        if sorted(made) != sorted(pks):
            problems.append(
                f"webhook deliveries of {event}: {sorted(made)}, expected {sorted(pks)}"
            )
    ok = {r.webhook_id for r in received if r.answered == 200}
    delivered = {d["message_id"] for d in deliveries}
    for d in deliveries:
        if d["status"] != "succeeded" or d["message_id"] not in ok:
            problems.append(f"webhook {d['message_id']} ({d['event_type']}): {d['status']}")
    strangers = {r.webhook_id for r in received} - delivered
    if strangers:
        problems.append(f"webhooks received that nobody delivered: {sorted(strangers)[:5]}")
    for r in received:
        if r.event not in _CAUSE or _subject(r.event, r.data) not in expected[r.event]:
            problems.append(f"a webhook about something that did not happen: {r}")
    if len(ok) != len(deliveries):
        problems.append(f"{len(ok)} webhook ids answered 200, {len(deliveries)} deliveries")
    return problems


def _payload(delivery: dict[str, Any]) -> dict[str, Any]:
    payload = delivery["payload"]
    return orjson.loads(payload) if isinstance(payload, str | bytes) else dict(payload)


def _resent(received: list[Received]) -> int:
    """Webhooks answered 200 more than once (at least once: a worker died before recording)."""
    counts = Counter(r.webhook_id for r in received if r.answered == 200)
    return sum(n - 1 for n in counts.values())


_CAUSED = ("Confirm", "You're in", "About", "Cancelled", "A new opportunity")


def _before_a_kill(written: datetime, kills: list[datetime], window: timedelta) -> bool:
    return any(written <= kill <= written + window for kill in kills)
