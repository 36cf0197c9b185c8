"""Payment requests: a member asks one or more payers to pay for a service.

Each payer's approval holds their share; when the last payer approves, every hold is posted in
that same transaction, so a shared payment arrives whole or not at all. A decline, a cancel or
the deadline voids every hold.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.credits import idempotency, ledger
from app.credits.errors import CreditsErrorCode as E
from app.credits.models import (
    Account,
    PaymentRequest,
    PaymentShare,
    RequestStatus,
    ShareStatus,
    Transfer,
    TransferKind,
    TransferStatus,
)
from app.errors import DomainError
from app.i18n import _
from app.people.models import Member, MemberStatus

MAX_PAYERS = 10


@dataclass(frozen=True)
class Share:
    payer_id: int
    amount: int


async def _check_payers(actor: Actor, shares: list[Share]) -> None:
    if not 1 <= len(shares) <= MAX_PAYERS:
        raise DomainError(
            E.INVALID, _("Ask 1 to {MAX_PAYERS} payers.", MAX_PAYERS=MAX_PAYERS), "payers"
        )
    ids = [s.payer_id for s in shares]
    if len(set(ids)) != len(ids):
        raise DomainError(E.INVALID, _("Each payer once."), "payers")
    if actor.member_id in ids:
        raise DomainError(E.SAME_ACCOUNT, _("You cannot ask yourself to pay."), "payers")
    for share in shares:
        ledger.check_amount(share.amount, "payers")
    found = await Member.filter(hub_id=actor.hub_id, id__in=ids, status=MemberStatus.ACTIVE).count()
    if found != len(ids):
        raise DomainError(
            E.NOT_FOUND, _("Some payers are not active members of this hub."), "payers"
        )


async def request_payment(
    *,
    actor: Actor,
    shares: list[Share],
    memo: str = "",
    category: str = "",
    expires_in_days: int = 7,
    idempotency_key: str,
) -> PaymentRequest:
    """Asks the payers for their shares (nothing moves until every one approves)."""
    memo = v.text(memo, field="memo", max_length=280, invalid=E.INVALID, required=False)
    category = v.text(
        category, field="category", max_length=60, invalid=E.INVALID, required=False
    ).lower()
    v.int_range(expires_in_days, field="expiresInDays", low=1, high=30, invalid=E.INVALID)
    await _check_payers(actor, shares)
    params = {
        "shares": [[s.payer_id, s.amount] for s in shares],
        "memo": memo,
        "category": category,
        "days": expires_in_days,
    }

    async def effect() -> dict[str, Any]:
        request = await PaymentRequest.create(
            hub_id=actor.hub_id,
            requester_id=actor.member_id,
            memo=memo,
            category=category,
            group=uuid.uuid4(),
            expires_at=datetime.now(UTC) + timedelta(days=expires_in_days),
        )
        await PaymentShare.bulk_create(
            [
                PaymentShare(
                    hub_id=actor.hub_id, request_id=request.id, payer_id=s.payer_id, amount=s.amount
                )
                for s in shares
            ]
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="payment_request.create",
            object_type="PaymentRequest",
            object_id=request.id,
        )
        return {"request_id": request.id}

    async with in_transaction():
        result = await idempotency.once(
            actor=actor,
            key=idempotency_key,
            operation="request_payment",
            params=params,
            effect=effect,
        )
    return await PaymentRequest.get(id=result["request_id"])


async def _locked_request(actor: Actor, request_id: int) -> PaymentRequest:
    request = await PaymentRequest.select_for_update().get_or_none(
        id=request_id, hub_id=actor.hub_id
    )
    if request is None:
        raise DomainError(E.NOT_FOUND, _("No such payment request."), "requestId")
    return request


async def _my_share(actor: Actor, request: PaymentRequest) -> PaymentShare:
    share = await PaymentShare.get_or_none(request_id=request.id, payer_id=actor.member_id)
    if share is None:
        raise DomainError(E.NOT_FOUND, _("No such payment request for you."), "requestId")
    if request.status != RequestStatus.PENDING or request.expires_at <= datetime.now(UTC):
        raise DomainError(
            E.NOT_PENDING, _("The request is {value}.", value=request.status.value), "requestId"
        )
    if share.status != ShareStatus.PENDING:
        raise DomainError(
            E.NOT_PENDING, _("You have already {value} it.", value=share.status.value), "requestId"
        )
    return share


async def approve(*, actor: Actor, request_id: int, idempotency_key: str) -> PaymentRequest:
    """Holds the payer's share; the last approval moves every share at once.

    A retry with the same idempotency key returns the request as it is, without a second hold.
    """

    async def effect() -> dict[str, Any]:
        await _approve(actor, request_id)
        return {"request_id": request_id}

    async with in_transaction():
        await idempotency.once(
            actor=actor,
            key=idempotency_key,
            operation="approve_payment",
            params={"request": request_id},
            effect=effect,
        )
    return await PaymentRequest.get(id=request_id)


async def _lock_accounts(request: PaymentRequest, *, requester: bool) -> None:
    """Locks the payers' (and the requester's) accounts in id order before any of them changes.

    The ledger locks per call; completing or ending a request makes one call per share, so
    without this two requests sharing payers can lock them in opposite orders and deadlock.
    """
    member_ids = [share.payer_id for share in await PaymentShare.filter(request_id=request.id)]
    if requester:
        await ledger.member_account(request.hub_id, request.requester_id)  # exists before locking
        member_ids.append(request.requester_id)
    await (
        Account.filter(hub_id=request.hub_id, member_id__in=member_ids)
        .order_by("id")
        .select_for_update()
    )


async def _approve(actor: Actor, request_id: int) -> None:
    request = await _locked_request(actor, request_id)
    share = await _my_share(actor, request)
    last = not (
        await PaymentShare.filter(request_id=request.id)
        .exclude(id=share.id)
        .exclude(status=ShareStatus.APPROVED)
        .exists()
    )
    if last:
        await _lock_accounts(request, requester=True)
    hold = await ledger.hold(
        source=await ledger.member_account(actor.hub_id, actor.member_id),
        destination=await ledger.member_account(actor.hub_id, request.requester_id),
        amount=share.amount,
        kind=TransferKind.EXCHANGE,
        memo=request.memo,
        category=request.category,
        group=request.group,
        initiated_by=actor.member_id,
        expires_at=request.expires_at,
    )
    share.status, share.hold_id = ShareStatus.APPROVED, hold.id
    await share.save(update_fields=["status", "hold_id"])
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action="payment_request.approve",
        object_type="PaymentRequest",
        object_id=request.id,
    )
    if last:
        await _complete(request)


async def _complete(request: PaymentRequest) -> None:
    for share in await PaymentShare.filter(request_id=request.id).order_by("id"):
        assert share.hold_id is not None
        await ledger.post_hold(share.hold_id)
    request.status, request.completed_at = RequestStatus.COMPLETED, datetime.now(UTC)
    await request.save(update_fields=["status", "completed_at"])


async def _end(request: PaymentRequest, status: RequestStatus) -> None:
    await _lock_accounts(request, requester=False)
    for share in await PaymentShare.filter(request_id=request.id, hold_id__isnull=False):
        hold = await Transfer.get(id=share.hold_id)
        if hold.status == TransferStatus.PENDING:  # the hold-expiry cron may have voided it
            await ledger.void_hold(hold.id)
    request.status = status
    await request.save(update_fields=["status"])


async def decline(*, actor: Actor, request_id: int) -> PaymentRequest:
    """A payer says no: the request ends and every hold is released."""
    async with in_transaction():
        request = await _locked_request(actor, request_id)
        share = await _my_share(actor, request)
        share.status = ShareStatus.DECLINED
        await share.save(update_fields=["status"])
        await _end(request, RequestStatus.DECLINED)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="payment_request.decline",
            object_type="PaymentRequest",
            object_id=request.id,
        )
    return request


async def cancel(*, actor: Actor, request_id: int) -> PaymentRequest:
    """The requester withdraws a pending request; holds are released."""
    async with in_transaction():
        request = await _locked_request(actor, request_id)
        if request.requester_id != actor.member_id:
            raise DomainError(E.FORBIDDEN, _("Only the requester cancels it."), "requestId")
        if request.status != RequestStatus.PENDING:
            raise DomainError(
                E.NOT_PENDING, _("The request is {value}.", value=request.status.value), "requestId"
            )
        await _end(request, RequestStatus.CANCELLED)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="payment_request.cancel",
            object_type="PaymentRequest",
            object_id=request.id,
        )
    return request


async def expire_requests(*, now: datetime | None = None) -> int:
    """Cron: pending requests past their deadline end, and their holds are released."""
    now = now or datetime.now(UTC)
    done = 0
    for stale in await PaymentRequest.filter(
        status=RequestStatus.PENDING, expires_at__lte=now
    ).limit(500):
        async with in_transaction():
            request = await PaymentRequest.select_for_update(skip_locked=True).get_or_none(
                id=stale.id, status=RequestStatus.PENDING
            )
            if request is not None:
                await _end(request, RequestStatus.EXPIRED)
                done += 1
    return done
