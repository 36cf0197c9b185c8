"""Moving credits: the only code that changes balances. Call it inside a transaction.

Accounts are locked in id order (SELECT ... FOR UPDATE), so two transfers between the same
accounts in opposite directions queue instead of deadlocking; the balance check runs on the
locked row, and a trigger in the database (account_within_limit) backs it up.

Overdraft limits apply to new debt: an account left below its limit when the hub lowered it
keeps its debt, receives credits and gets its holds settled, but nothing takes it further
down (no payment, hold or voucher) until it is back within the limit.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from app.credits.errors import CreditsErrorCode as E
from app.credits.models import (
    Account,
    AccountKind,
    Entry,
    SystemAccount,
    Transfer,
    TransferKind,
    TransferStatus,
)
from app.errors import DomainError
from app.hubs.models import Hub

MAX_AMOUNT = 10**12

# The category of a transfer made without one, by kind (statements and the hub's category
# report then group it with its like). A reversal keeps the category of what it reverses.
DEFAULT_CATEGORY: dict[TransferKind, str] = {
    TransferKind.EARN: "volunteering",
    TransferKind.EXCHANGE: "services",
    TransferKind.VOUCHER: "vouchers",
    TransferKind.REFUND: "refunds",
    TransferKind.PLEDGE: "pledges",
    TransferKind.REVERSAL: "corrections",
    TransferKind.ADJUSTMENT: "adjustments",
    TransferKind.DEPOSIT: "deposits",
    TransferKind.RENTAL: "rentals",
}


def category_for(kind: TransferKind, category: str = "") -> str:
    """The given category, or the kind's default."""
    return category or DEFAULT_CATEGORY[kind]


async def member_account(hub_id: int, member_id: int) -> Account:
    account = await Account.get_or_none(hub_id=hub_id, member_id=member_id)
    if account is None:
        hub = await Hub.get(id=hub_id)
        account, _ = await Account.get_or_create(
            hub_id=hub_id,
            member_id=member_id,
            defaults={"kind": AccountKind.MEMBER, "overdraft_limit": hub.member_overdraft_limit},
        )
    return account


async def organisation_account(hub_id: int, organisation_id: int) -> Account:
    account, _ = await Account.get_or_create(
        hub_id=hub_id,
        organisation_id=organisation_id,
        defaults={"kind": AccountKind.ORGANISATION, "overdraft_limit": 0},
    )
    return account


async def system_account(hub_id: int, system: SystemAccount) -> Account:
    unlimited = system == SystemAccount.ISSUANCE
    account, _ = await Account.get_or_create(
        hub_id=hub_id,
        system=system,
        defaults={"kind": AccountKind.SYSTEM, "overdraft_limit": None if unlimited else 0},
    )
    return account


def check_amount(amount: int, field: str = "amount") -> int:
    if not 0 < amount <= MAX_AMOUNT:
        raise DomainError(E.INVALID, "The amount must be a positive whole number.", field)
    return amount


async def _locked(*accounts: Account) -> dict[int, Account]:
    ids = sorted({a.id for a in accounts})
    rows = await Account.filter(id__in=ids).order_by("id").select_for_update()
    return {a.id: a for a in rows}


def _available(account: Account) -> int:
    return account.balance - account.held


def _require_funds(account: Account, amount: int) -> None:
    limit = account.overdraft_limit
    available = _available(account)
    if limit is None or available - amount >= -limit:
        return
    if available < -limit:  # the limit was lowered below what it already owed
        message = (
            f"Not enough credits: {-available} owed, more than the overdraft limit of {limit}."
            " Receive credits before spending more."
        )
    else:
        message = f"Not enough credits: {available} available, {amount} needed."
    raise DomainError(E.INSUFFICIENT_CREDITS, message, "amount")


async def _move(transfer: Transfer, source: Account, destination: Account) -> None:
    source.balance -= transfer.amount
    destination.balance += transfer.amount
    for account in (source, destination):
        await Account.filter(id=account.id).update(balance=account.balance, held=account.held)
    await Entry.bulk_create(
        [
            Entry(
                hub_id=transfer.hub_id,
                transfer_id=transfer.id,
                account_id=source.id,
                amount=-transfer.amount,
                balance_after=source.balance,
                category=transfer.category,
            ),
            Entry(
                hub_id=transfer.hub_id,
                transfer_id=transfer.id,
                account_id=destination.id,
                amount=transfer.amount,
                balance_after=destination.balance,
                category=transfer.category,
            ),
        ]
    )


def _check_pair(source: Account, destination: Account, amount: int) -> None:
    if source.id == destination.id:
        raise DomainError(E.SAME_ACCOUNT, "Source and destination are the same account.", None)
    check_amount(amount)


async def post(
    *,
    source: Account,
    destination: Account,
    amount: int,
    kind: TransferKind,
    memo: str = "",
    category: str = "",
    reference: str | None = None,
    initiated_by: int | None = None,
    group: uuid.UUID | None = None,
    reverses: int | None = None,
    data: dict[str, Any] | None = None,
) -> Transfer:
    """Moves `amount` at once, if the source may go that low."""
    _check_pair(source, destination, amount)
    locked = await _locked(source, destination)
    src, dst = locked[source.id], locked[destination.id]
    _require_funds(src, amount)
    transfer = await Transfer.create(
        hub_id=src.hub_id,
        kind=kind,
        status=TransferStatus.POSTED,
        amount=amount,
        source_id=src.id,
        destination_id=dst.id,
        memo=memo,
        category=category_for(kind, category),
        reference=reference,
        initiated_by_id=initiated_by,
        group=group,
        reverses_id=reverses,
        posted_at=datetime.now(UTC),
        data=data or {},
    )
    await _move(transfer, src, dst)
    return transfer


async def hold(
    *,
    source: Account,
    destination: Account,
    amount: int,
    kind: TransferKind,
    memo: str = "",
    category: str = "",
    reference: str | None = None,
    initiated_by: int | None = None,
    group: uuid.UUID | None = None,
    expires_at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Transfer:
    """Reserves `amount` on the source: a pending transfer, later posted or voided."""
    _check_pair(source, destination, amount)
    src = (await _locked(source))[source.id]
    _require_funds(src, amount)
    src.held += amount
    await Account.filter(id=src.id).update(held=src.held)
    return await Transfer.create(
        hub_id=src.hub_id,
        kind=kind,
        status=TransferStatus.PENDING,
        amount=amount,
        source_id=src.id,
        destination_id=destination.id,
        memo=memo,
        category=category_for(kind, category),
        reference=reference,
        initiated_by_id=initiated_by,
        group=group,
        hold_expires_at=expires_at,
        data=data or {},
    )


async def _pending(transfer_id: int) -> Transfer:
    transfer = await Transfer.select_for_update().get(id=transfer_id)
    if transfer.status != TransferStatus.PENDING:
        raise DomainError(E.NOT_PENDING, f"The transfer is {transfer.status.value}.", None)
    return transfer


async def post_hold(transfer_id: int) -> Transfer:
    """Completes a hold: the reserved credits move."""
    transfer = await _pending(transfer_id)
    locked = await _locked(
        await Account.get(id=transfer.source_id), await Account.get(id=transfer.destination_id)
    )
    src, dst = locked[transfer.source_id], locked[transfer.destination_id]
    src.held -= transfer.amount
    transfer.status, transfer.posted_at = TransferStatus.POSTED, datetime.now(UTC)
    await transfer.save(update_fields=["status", "posted_at"])
    await _move(transfer, src, dst)
    return transfer


async def void_hold(transfer_id: int) -> Transfer:
    """Releases a hold: nothing moves."""
    transfer = await _pending(transfer_id)
    src = (await _locked(await Account.get(id=transfer.source_id)))[transfer.source_id]
    src.held -= transfer.amount
    await Account.filter(id=src.id).update(held=src.held)
    transfer.status, transfer.voided_at = TransferStatus.VOIDED, datetime.now(UTC)
    await transfer.save(update_fields=["status", "voided_at"])
    return transfer
