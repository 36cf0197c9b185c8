"""Community credits: earning for verified hours, timebank payments, holds, balances."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.credits import idempotency, ledger, receipts
from app.credits.errors import CreditsErrorCode as E
from app.credits.models import Account, SystemAccount, Transfer, TransferKind
from app.errors import DomainError
from app.events import subscribe
from app.hubs.models import Hub
from app.i18n import _
from app.people.models import Member
from app.portfolios.models import HoursRecord, HoursStatus

DEFAULT_HOLD = timedelta(days=30)


def credits_for(minutes: int, credits_per_hour: int) -> int:
    """Whole credits for minutes volunteered, rounded half up."""
    return (minutes * credits_per_hour + 30) // 60


@subscribe("hours.verified")
async def earn_for_hours(*, hours_record_id: int, **_: Any) -> Transfer | None:
    """Credits the volunteer for a verified hours record, exactly once whatever the retries."""
    record = await HoursRecord.get(id=hours_record_id)
    if record.status != HoursStatus.VERIFIED:
        return None
    hub = await Hub.get(id=record.hub_id)
    amount = credits_for(record.minutes, hub.credits_per_hour)
    reference = f"hours:{record.id}"
    if amount <= 0 or await Transfer.exists(hub_id=hub.id, reference=reference):
        return None
    volunteer = await Member.get(id=record.volunteer_id)  # type: ignore[attr-defined]
    if volunteer.is_guest:  # a partner hub's member: paid at home, across the link
        from app.federation import guests

        return await guests.earn(record=record, guest=volunteer, hub=hub, amount=amount)
    try:
        async with in_transaction():
            transfer = await ledger.post(
                source=await ledger.system_account(hub.id, SystemAccount.ISSUANCE),
                destination=await ledger.member_account(hub.id, record.volunteer_id),
                amount=amount,
                kind=TransferKind.EARN,
                reference=reference,
                memo=f"{record.minutes} minutes volunteered",
                category="volunteering",
            )
            await receipts.earned(hub=hub, record=record, transfer=transfer)
            return transfer
    except IntegrityError:  # a concurrent run credited it first
        return None


async def pay(
    *,
    actor: Actor,
    payee_id: int,
    amount: int,
    memo: str = "",
    category: str = "",
    opportunity_id: int | None = None,
    idempotency_key: str,
) -> Transfer:
    """A member pays another member for a service (timebank exchange)."""
    ledger.check_amount(amount)
    memo = v.text(memo, field="memo", max_length=280, invalid=E.INVALID, required=False)
    category = v.text(
        category, field="category", max_length=60, invalid=E.INVALID, required=False
    ).lower()
    params = {
        "payee": payee_id,
        "amount": amount,
        "memo": memo,
        "category": category,
        "opportunity": opportunity_id,
    }
    idempotency.check_key(idempotency_key)
    # One statement (app/credits/ledger.py): in autocommit it is its own transaction.
    return await ledger.pay(
        hub_id=actor.hub_id,
        member_id=actor.member_id,
        acted_by=actor.acted_by.id if actor.acted_by else None,
        payee_id=payee_id,
        amount=amount,
        memo=memo,
        category=category,
        data={"opportunity_id": opportunity_id} if opportunity_id else None,
        idempotency_key=idempotency_key,
        request_hash=idempotency.request_hash("pay", params),
    )


async def balance(*, hub_id: int, member_id: int) -> Account:
    """The member's account (created empty on first use)."""
    return await ledger.member_account(hub_id, member_id)


async def expire_holds(*, now: datetime | None = None) -> int:
    """Voids holds past their expiry (cron): reserved credits are never left hanging."""
    now = now or datetime.now(UTC)
    expired = (
        await Transfer.filter(status="pending", hold_expires_at__lte=now).limit(500).only("id")
    )
    voided = 0
    for transfer in expired:
        async with in_transaction():
            try:
                await ledger.void_hold(transfer.id)
                voided += 1
            except DomainError:  # posted or voided meanwhile
                continue
    return voided


async def hub_totals(*, actor: Actor) -> dict[str, int]:
    """Issued, in circulation, held, and spent at businesses (hub admins)."""
    from app.people.models import Role

    actor.require_role(Role.HUB_ADMIN)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT"
        " coalesce(-sum(balance) FILTER (WHERE system = 'issuance'), 0)::bigint AS issued,"
        " coalesce(sum(balance) FILTER (WHERE kind NOT IN ('system', 'clearing')), 0)::bigint"
        " AS circulating,"
        " coalesce(sum(held), 0)::bigint AS held,"
        " coalesce(sum(balance), 0)::bigint AS books"
        " FROM account WHERE hub_id = $1",
        [actor.hub_id],
    )
    spent = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT coalesce(sum(amount), 0)::bigint AS spent FROM transfer"
        " WHERE hub_id = $1 AND kind = 'voucher' AND status = 'posted'",
        [actor.hub_id],
    )
    return {
        **{k: int(v) for k, v in rows[0].items()},
        "spent_at_businesses": int(spent[0]["spent"]),
    }


async def transfers_by_category(
    *, actor: Actor, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """Posted transfers in the period, summed per category and kind (hub admins)."""
    from app.people.models import Role

    actor.require_role(Role.HUB_ADMIN)
    if until <= since:
        raise DomainError(E.INVALID, _("Must be after since."), "until")
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT category, kind, count(*)::int AS transfers, sum(amount)::bigint AS amount"
        " FROM transfer WHERE hub_id = $1 AND status = 'posted'"
        " AND posted_at >= $2 AND posted_at < $3"
        " GROUP BY category, kind ORDER BY amount DESC, category, kind",
        [actor.hub_id, since, until],
    )
    return [dict(r) for r in rows]


async def reverse_transfer(
    *, actor: Actor, transfer_id: int, reason: str, idempotency_key: str
) -> Transfer:
    """Corrects a posted transfer with an opposite one (hub admins); entries are never edited."""
    from app.credits.models import Account
    from app.people.models import Role

    actor.require_role(Role.HUB_ADMIN)
    reason = v.text(reason, field="reason", max_length=280, invalid=E.INVALID)

    async def effect() -> dict[str, Any]:
        original = await Transfer.get_or_none(id=transfer_id, hub_id=actor.hub_id)
        if original is None or original.status != "posted":
            raise DomainError(E.NOT_FOUND, _("No such posted transfer."), "transferId")
        if original.kind == TransferKind.REVERSAL:
            raise DomainError(
                E.INVALID, _("A reversal is not reversed: make a new transfer."), "transferId"
            )
        if await Transfer.exists(hub_id=actor.hub_id, reference=f"reversal:{original.id}"):
            raise DomainError(E.INVALID, _("This transfer was already reversed."), "transferId")
        reversal = await ledger.post(
            source=await Account.get(id=original.destination_id),
            destination=await Account.get(id=original.source_id),
            amount=original.amount,
            kind=TransferKind.REVERSAL,
            memo=reason,
            category=original.category,
            reference=f"reversal:{original.id}",
            reverses=original.id,
            initiated_by=actor.member_id,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="credits.reverse",
            object_type="Transfer",
            object_id=original.id,
            data={"reason": reason},
        )
        return {"transfer_id": reversal.id}

    async with in_transaction():
        result = await idempotency.once(
            actor=actor,
            key=idempotency_key,
            operation="reverse",
            params={"transfer": transfer_id, "reason": reason},
            effect=effect,
        )
    return await Transfer.get(id=result["transfer_id"])
