"""Moving credits: the only code that changes balances. Call it inside a transaction.

Accounts are locked in id order (SELECT ... FOR UPDATE), so two transfers between the same
accounts in opposite directions queue instead of deadlocking; the balance check runs on the
locked row, and a trigger in the database (account_within_limit) backs it up.

Each posting is one PostgreSQL function (migrations/0028_ledger_functions.py), so one round
trip: this module is its only caller. A refusal comes back as a code and writes nothing; it is
raised here as the typed error.

Overdraft limits apply to new debt: an account left below its limit when the hub lowered it
keeps its debt, receives credits and gets its holds settled, but nothing takes it further
down (no payment, hold or voucher) until it is back within the limit.
"""

import uuid
from datetime import datetime
from typing import Any, Required, TypedDict, Unpack

import orjson
from tortoise import Tortoise
from tortoise.exceptions import DoesNotExist

from app.credits import holders
from app.credits.errors import CreditsErrorCode as E
from app.credits.idempotency import idempotency_mismatch
from app.credits.models import (
    Account,
    AccountKind,
    SystemAccount,
    Transfer,
    TransferKind,
    Voucher,
)
from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _

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
        raise DomainError(E.INVALID, _("The amount must be a positive whole number."), field)
    return amount


def _check_pair(source: Account, destination: Account, amount: int) -> None:
    if source.id == destination.id:
        raise DomainError(E.SAME_ACCOUNT, _("Source and destination are the same account."), None)
    check_amount(amount)


def _insufficient(available: int, limit: int | None, amount: int) -> DomainError:
    if limit is not None and available < -limit:  # the limit was lowered below what it owed
        message = _(
            "Not enough credits: {value} owed, more than the overdraft limit of "
            "{limit}. Receive credits before spending more.",
            value=-available,
            limit=limit,
        )
    else:
        message = _(
            "Not enough credits: {available} available, {amount} needed.",
            available=available,
            amount=amount,
        )
    return DomainError(E.INSUFFICIENT_CREDITS, message, "amount")


# One PostgreSQL function per posting (migrations/0028_ledger_functions.py): one round trip,
# prepared once per connection by asyncpg. `(r.t).*` spreads the transfer's columns.
_TRANSFER = "r.err, (r.t).*"
_FUNDED = "r.err, r.avail, r.lim, (r.t).*"
_POST = f"SELECT {_FUNDED} FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) r"
_HOLD = f"SELECT {_FUNDED} FROM ledger_hold($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) r"
_POST_HOLD = f"SELECT {_TRANSFER} FROM ledger_post_hold($1) r"
_VOID_HOLD = f"SELECT {_TRANSFER} FROM ledger_void_hold($1) r"
_REDEEM = (
    "SELECT r.err, r.avail, r.lim, r.cost, (r.v).*"
    " FROM credits_redeem($1, $2, $3, $4, $5, $6, $7) r"
)
_PAY = f"SELECT {_FUNDED} FROM credits_pay($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10) r"


async def _call(sql: str, params: list[Any]) -> dict[str, Any]:
    rows = await Tortoise.get_connection("default").execute_query_dict(sql, params)
    return rows[0]


def _refused(row: dict[str, Any], amount: int = 0) -> None:
    """Raises the typed error the function answered, if it refused."""
    code = row["err"]
    if code is None:
        return
    if code == E.INSUFFICIENT_CREDITS:
        raise _insufficient(row["avail"], row["lim"], amount)
    if code == E.SAME_ACCOUNT:
        raise DomainError(E.SAME_ACCOUNT, _("Source and destination are the same account."), None)
    if code == E.INVALID:
        raise DomainError(E.INVALID, _("The amount must be a positive whole number."), "amount")
    if code == E.NOT_PENDING:
        raise DomainError(E.NOT_PENDING, _("The transfer is {status}.", status=row["status"]), None)
    if code == E.NOT_FOUND:
        raise DoesNotExist(Transfer)
    raise AssertionError(f"unknown ledger answer {code!r}")


def _transfer(row: dict[str, Any]) -> Transfer:
    return Transfer._init_from_db(**row)


def _json(data: dict[str, Any] | None) -> str:
    return orjson.dumps(data or {}).decode()


class Posting(TypedDict, total=False):
    """What ledger_post and ledger_hold both take (the functions differ only in their tenth
    argument: what a posting reverses, when a hold expires)."""

    source: Required[Account]
    destination: Required[Account]
    amount: Required[int]
    kind: Required[TransferKind]
    memo: str
    category: str
    reference: str | None
    initiated_by: int | None
    group: uuid.UUID | None
    data: dict[str, Any] | None


async def _posting(sql: str, posting: Posting, tenth: int | datetime | None) -> Transfer:
    source, destination = posting["source"], posting["destination"]
    amount, kind = posting["amount"], posting["kind"]
    _check_pair(source, destination, amount)
    params = [
        source.id,
        destination.id,
        amount,
        kind.value,
        posting.get("memo", ""),
        category_for(kind, posting.get("category", "")),
        posting.get("reference"),
        posting.get("initiated_by"),
        posting.get("group"),
        tenth,
        _json(posting.get("data")),
    ]
    row = await _call(sql, params)
    _refused(row, amount)
    return _transfer(row)


async def post(*, reverses: int | None = None, **posting: Unpack[Posting]) -> Transfer:
    """Moves `amount` at once, if the source may go that low."""
    return await _posting(_POST, posting, reverses)


async def hold(*, expires_at: datetime | None = None, **posting: Unpack[Posting]) -> Transfer:
    """Reserves `amount` on the source: a pending transfer, later posted or voided."""
    return await _posting(_HOLD, posting, expires_at)


async def post_hold(transfer_id: int) -> Transfer:
    """Completes a hold: the reserved credits move."""
    row = await _call(_POST_HOLD, [transfer_id])
    _refused(row)
    return _transfer(row)


async def void_hold(transfer_id: int) -> Transfer:
    """Releases a hold: nothing moves."""
    row = await _call(_VOID_HOLD, [transfer_id])
    _refused(row)
    return _transfer(row)


async def pay(
    *,
    hub_id: int,
    member_id: int,
    acted_by: int | None,
    payee_id: int,
    amount: int,
    memo: str,
    category: str,
    data: dict[str, Any] | None,
    idempotency_key: str,
    request_hash: str,
) -> Transfer:
    """A member's payment to another member in one statement (credits_pay): the idempotency
    record, the payee's check, the posting and the audit row; a replay with the key answers the
    transfer made the first time."""
    row = await _call(
        _PAY,
        [
            hub_id,
            member_id,
            acted_by,
            payee_id,
            amount,
            memo,
            category_for(TransferKind.EXCHANGE, category),
            _json(data),
            idempotency_key,
            request_hash,
        ],
    )
    code = row["err"]
    if code == E.IDEMPOTENCY_MISMATCH:
        raise idempotency_mismatch()
    if code == E.NOT_FOUND:
        raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "payeeId")
    if code == E.SAME_ACCOUNT:
        raise DomainError(E.SAME_ACCOUNT, _("You cannot pay yourself."), "payeeId")
    _refused(row, amount)
    transfer = _transfer(row)
    holders.remember(hub_id=hub_id, member_id=member_id, account_id=transfer.source_id)
    holders.remember(hub_id=hub_id, member_id=payee_id, account_id=transfer.destination_id)
    return transfer


_OFFER_REFUSALS = {
    E.NOT_FOUND: _("No such offer."),
    E.OFFER_NOT_ACTIVE: _("This offer is not available now."),
    E.SOLD_OUT: _("This offer is sold out."),
    E.LIMIT_REACHED: _("You have had as many as this offer allows."),
}


async def redeem(
    *,
    hub_id: int,
    member_id: int,
    acted_by: int | None,
    offer_id: int,
    code: str,
    idempotency_key: str,
    request_hash: str,
) -> Voucher:
    """Buys a voucher of an offer in one statement (credits_redeem): the idempotency record,
    the offer's checks under its lock, the posting to the business, the stock, the voucher
    and the audit row; a replay with the key answers the voucher issued the first time."""
    row = await _call(
        _REDEEM, [hub_id, member_id, acted_by, offer_id, idempotency_key, request_hash, code]
    )
    refusal = row["err"]
    if refusal == E.IDEMPOTENCY_MISMATCH:
        raise idempotency_mismatch()
    if refusal in _OFFER_REFUSALS:
        raise DomainError(E(refusal), _OFFER_REFUSALS[E(refusal)], "offerId")
    _refused(row, row["cost"] or 0)
    return Voucher._init_from_db(**row)
