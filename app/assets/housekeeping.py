"""Cron work of loans and bookings: reminders, overdue loans, and settling what nobody settled.
`housekeeping()` is one tick (workers/main.py runs it on the periodic queue every
CH_HOUSEKEEPING_SECONDS); each part is a sweep of small chunks that the next tick continues.

- A loan on loan and due within a day: its borrower is reminded, once.
- A loan on loan past its due time: OVERDUE; its borrower and whoever listed the thing are
  told, once, and `loan.overdue` is emitted (webhooks).
- A loan request nobody answered before its start: DECLINED. An approved loan never handed
  over by its due time: CANCELLED, releasing any credits its half-confirmed handover held.
- A pending booking nobody decided before its start: DECLINED, its credits released.
- A confirmed booking that ended 15 minutes ago without a check-in: NO_SHOW, its credits
  paid (the slot was kept for the booker). A checked-in booking that ended 15 minutes ago:
  CHECKED_OUT, its credits paid and its impact recorded (app/assets/bookings.finish).

Exactly once, whatever the retries or a worker killed midway: each change is made in one
transaction with what it causes (the outbox rows of its emails and events, the ledger's
posting or voiding), on rows taken with FOR UPDATE SKIP LOCKED and still in the state the
sweep looks for; the reminder and overdue marks (`due_reminder_sent_at`, the OVERDUE status)
are what the next run skips, and the emails' outbox keys make a second queueing a no-op. A
run killed before its commit changed nothing, and the next tick does it all.

Which index serves which sweep (migrations/0016_lending.py): loans out, loan_out_by_due;
loans waiting, loan_open_by_start; open bookings, booking_open_by_start (each bounded by
`starts_at <= now`, so a sweep reads only the few rows that have begun).
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app import events
from app.assets import bookings, lending, loans
from app.assets.models import Asset
from app.assets.sharing_models import Booking, BookingStatus, Loan
from app.hubs.models import Hub
from app.i18n import _, format_when, localize, use_locale
from app.mail.service import queue_email, recipient_locale
from app.people.models import Member

M = TypeVar("M", bound=Model)

REMIND_BEFORE = timedelta(hours=24)
SETTLE_AFTER = timedelta(minutes=15)
BATCH = 200
MAX_BATCHES = 10  # per sweep and tick: at most 2,000 rows, then the next tick goes on

# What a member reads, marked for the catalogues (written in the recipient's language).
TEXTS = {
    "due_subject": _("“{asset}” is due back {when}"),
    "due_text": _(
        "Hello {name},\n\nYou borrowed “{asset}”: it is due back on {when} ({zone} time)."
        " Arrange the return with its owner, and confirm it in the app.\n"
    ),
    "overdue_subject": _("“{asset}” is overdue"),
    "overdue_borrower": _(
        "Hello {name},\n\n“{asset}” was due back on {when} ({zone} time). Please return it,"
        " and confirm the return in the app.\n"
    ),
    "overdue_owner": _(
        "Hello {name},\n\n“{asset}”, lent to {borrower}, was due back on {when} ({zone} time)"
        " and its return has not been confirmed yet.\n"
    ),
}

_DUE = (
    "UPDATE loan SET due_reminder_sent_at = $1, updated_at = $1 WHERE id IN (SELECT id FROM loan"
    " WHERE status = 'on_loan' AND due_reminder_sent_at IS NULL AND due_at > $1 AND due_at <= $2"
    " ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, hub_id, asset_id, borrower_id, due_at"
)
_OVERDUE = (
    "UPDATE loan SET status = 'overdue', overdue_notified_at = $1, updated_at = $1"
    " WHERE id IN (SELECT id FROM loan WHERE status = 'on_loan' AND due_at <= $1"
    " ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " RETURNING id, hub_id, asset_id, borrower_id, due_at"
)
_UNANSWERED = (
    "UPDATE loan SET status = 'declined', decided_at = $1, updated_at = $1"
    " WHERE id IN (SELECT id FROM loan WHERE status = 'requested' AND starts_at <= $1"
    " ORDER BY starts_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id"
)


async def housekeeping(*, now: datetime | None = None) -> dict[str, int]:
    """One tick: every sweep, each in chunks."""
    now = now or datetime.now(UTC)
    return {
        "loans_reminded": await remind_due(now=now),
        "loans_overdue": await mark_overdue(now=now),
        "loans_unanswered": await _chunks(_UNANSWERED, [now]),
        "loans_lapsed": await _each(
            Loan,
            "status = 'approved' AND starts_at <= $1 AND due_at <= $1",
            now,
            _lapse_loan,
        ),
        "bookings_undecided": await _each(
            Booking, "status = 'pending' AND starts_at <= $1", now, _decline_booking
        ),
        "bookings_settled": await _each(
            Booking,
            "status IN ('confirmed', 'checked_in') AND starts_at <= $1 AND ends_at <= $2",
            now,
            _settle_booking,
            now - SETTLE_AFTER,
        ),
    }


async def remind_due(*, now: datetime) -> int:
    """Reminds each borrower once, a day before their loan is due."""
    sent = 0
    for _batch in range(MAX_BATCHES):
        async with in_transaction():
            rows = await _query(_DUE, [now, now + REMIND_BEFORE, BATCH])
            await _tell(rows, owner=False)
        sent += len(rows)
        if len(rows) < BATCH:
            break
    return sent


async def mark_overdue(*, now: datetime) -> int:
    """Marks loans past their due time OVERDUE, tells both sides once, emits loan.overdue."""
    marked = 0
    for _batch in range(MAX_BATCHES):
        async with in_transaction():
            rows = await _query(_OVERDUE, [now, BATCH])
            await _tell(rows, owner=True)
            for row in rows:
                await events.emit("loan.overdue", {"loan_id": row["id"]}, key=str(row["id"]))
        marked += len(rows)
        if len(rows) < BATCH:
            break
    return marked


async def _tell(rows: list[dict[str, Any]], *, owner: bool) -> None:
    """Queues the reminder (owner False) or the overdue emails of these loans."""
    if not rows:
        return
    assets = await _by_id(Asset, {r["asset_id"] for r in rows})
    hubs = await _by_id(Hub, {r["hub_id"] for r in rows})
    people = {r["borrower_id"] for r in rows}
    if owner:
        people |= {a.listed_by_id for a in assets.values()}
    members = await _by_id(Member, people)
    for row in rows:
        asset, hub = assets[row["asset_id"]], hubs[row["hub_id"]]
        borrower = members[row["borrower_id"]]
        words = {"asset": asset.title, "due_at": row["due_at"], "zone": hub.timezone}
        if not owner:
            await _email(borrower, "due_subject", "due_text", f"loan-due:{row['id']}", words)
            continue
        key = f"loan-overdue:{row['id']}"
        await _email(borrower, "overdue_subject", "overdue_borrower", f"{key}:borrower", words)
        lister = members[asset.listed_by_id]
        words |= {"borrower": borrower.display_name}
        await _email(lister, "overdue_subject", "overdue_owner", f"{key}:owner", words)


async def _email(member: Member, subject: str, text: str, key: str, words: dict[str, Any]) -> None:
    if not member.email:
        return
    with use_locale(await recipient_locale(member)):
        filled = {k: v for k, v in words.items() if k != "due_at"}
        filled["when"] = format_when(words["due_at"], timezone=words["zone"])
        await queue_email(
            to=member.email,
            subject=localize(TEXTS[subject].format(**filled)),
            text=localize(TEXTS[text].format(name=member.display_name, **filled)),
            key=key,
        )


async def _lapse_loan(loan: Loan, now: datetime) -> None:
    await loans.close_unused(loan)


async def _decline_booking(booking: Booking, now: datetime) -> None:
    await lending.settle(booking.credit_hold_id, post=False)
    await Booking.filter(id=booking.id).update(status=BookingStatus.DECLINED, decided_at=now)


async def _settle_booking(booking: Booking, now: datetime) -> None:
    if booking.status == BookingStatus.CHECKED_IN:
        await bookings.finish(booking, now)
        return
    await lending.settle(booking.credit_hold_id, post=True)
    await Booking.filter(id=booking.id).update(status=BookingStatus.NO_SHOW)


async def _each(
    model: type[M],
    where: str,
    now: datetime,
    apply: Callable[[M, datetime], Awaitable[None]],
    *extra: Any,
) -> int:
    """Applies `apply` to each row matching `where` ($1 is now), one transaction per row, the
    row locked (skipped when someone else holds it) and still matching."""
    table, params = model._meta.db_table, [now, *extra]
    done = 0
    for _batch in range(MAX_BATCHES):
        ids = [
            r["id"]
            for r in await _query(
                f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT {BATCH}", params
            )
        ]
        for row_id in ids:
            async with in_transaction():
                locked = await _query(
                    f"SELECT id FROM {table} WHERE {where} AND id = ${len(params) + 1}"
                    " FOR UPDATE SKIP LOCKED",
                    [*params, row_id],
                )
                if not locked:
                    continue
                await apply(await model.get(id=row_id), now)
                done += 1
        if len(ids) < BATCH:
            break
    return done


async def _chunks(sql: str, params: list[Any]) -> int:
    changed = 0
    for _batch in range(MAX_BATCHES):
        rows = await _query(sql, [*params, BATCH])
        changed += len(rows)
        if len(rows) < BATCH:
            break
    return changed


async def _query(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return list(await Tortoise.get_connection("default").execute_query_dict(sql, params))


async def _by_id(model: type[M], ids: set[int]) -> dict[int, M]:
    return {row.pk: row for row in await model.filter(id__in=list(ids))}
