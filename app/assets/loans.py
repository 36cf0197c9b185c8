"""Loans: ask to borrow a LOAN asset for dates; the owner side approves (or the asset needs
no approval); both sides confirm the handover, then the return, with the condition noted; a
dispute goes to moderators, who settle the deposit.

A loan (LoanStatus) is REQUESTED, then APPROVED (its dates are held: the exclusion constraint
loan_no_overlap refuses overlapping agreed loans, also under concurrent approvals: SLOT_TAKEN)
or DECLINED; either side may cancel it (CANCELLED) until the handover. Once both sides
confirmed the handover it is ON_LOAN; the cron job (app/assets/housekeeping.py) reminds the
borrower a day before it is due and marks it OVERDUE after (emitting `loan.overdue`). Once both
sides confirmed the return (the owner side notes the condition) it is RETURNED. Either side
may dispute it before the return is complete (DISPUTED); a moderator resolves the dispute,
which closes it as RETURNED with the resolution and its note. The owner side may not borrow
its own asset (OWN_ASSET). The length and notice rules are the asset's (app/assets/rules.py).

Credits (app/assets/lending.py). The deposit (`deposit_credits`, as asked for) and, for a
priced loan, its price are HELD on the borrower's credits when the borrower's side confirms
the handover: the moment they take the thing, and their own action, so a borrower short of
credits is told (INSUFFICIENT_CREDITS, nothing written) and the owner side never hands over
without the deposit held. At the return the deposit is VOIDED and the price POSTED to the owner
side; when a handover is cancelled half-way both are voided. A moderator resolving a dispute
voids the deposit (DEPOSIT_RETURNED) or posts it to the owner side (DEPOSIT_TO_OWNER); the
price is posted either way. The loan's impact is recorded once when it closes
(app/assets/impact.py).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets import lending
from app.assets.access import get_asset
from app.assets.errors import AssetErrorCode as E
from app.assets.impact import record_impact
from app.assets.lending_policy import BORROWER_SIDE, CALENDAR_READERS, OWNER_SIDE
from app.assets.models import Asset, AssetKind, AssetStatus, Condition
from app.assets.policy import MANAGES, MODERATOR
from app.assets.sharing_models import DisputeResolution, Loan
from app.assets.sharing_models import LoanStatus as S
from app.audit import service as audit
from app.credits.models import TransferKind
from app.errors import AccessDenied, DomainError
from app.i18n import _
from app.policy import Viewer

MAX_MESSAGE = 2000
MAX_NOTE = 500
LONGEST = timedelta(days=365)
FIELDS = {"start": "startsAt", "end": "dueAt"}
WHAT = "loan"
OUT = (S.ON_LOAN, S.OVERDUE)

# What a member reads, in one place (no gettext catalogue yet: DESIGN.md "Languages").
TEXTS = {
    "not_found": _("No such loan."),
    "not_lendable": _("This is not a listed thing to borrow."),
    "dates_taken": _("It is lent to someone else for some of those dates."),
    "owner_only": _("Only the asset's owner side decides on loans."),
    "lapsed": _("Its dates have passed."),
    "handed_over": _("It has been handed over: confirm its return instead."),
    "condition": _("Note the condition it came back in."),
    "condition_owner": _("The owner side notes the condition."),
    "moderators": _("Only moderators resolve disputes."),
    "deposit_memo": _("Deposit for borrowing “{title}”"),
    "price_memo": _("Borrowing “{title}”"),
    "calendar": _("Only the asset's owner side sees its loans."),
}


def loans_of(*, actor: Actor, status: S | None = None) -> QuerySet[Loan]:
    """The actor's own loans (as borrower), latest start first."""
    query = Loan.filter(hub_id=actor.hub_id, borrower_id=actor.member_id)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("-starts_at", "-id")


async def loans_for(*, actor: Actor, asset_id: int, status: S | None = None) -> QuerySet[Loan]:
    """An asset's loans in start order: for its owner side and moderators."""
    asset = await get_asset(actor, asset_id)
    if not await CALENDAR_READERS.allows(Viewer.of(actor), asset):
        raise AccessDenied(TEXTS["calendar"])
    query = Loan.filter(hub_id=actor.hub_id, asset_id=asset.id)
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("starts_at", "id")


async def disputed(*, actor: Actor) -> QuerySet[Loan]:
    """Disputed loans waiting for a moderator, longest waiting first."""
    if not await MODERATOR.allows(Viewer.of(actor)):
        raise AccessDenied(TEXTS["moderators"])
    return Loan.filter(hub_id=actor.hub_id, status=S.DISPUTED).order_by("disputed_at", "id")


async def request(
    *,
    actor: Actor,
    asset_id: int,
    starts_at: datetime,
    due_at: datetime,
    organisation_id: int | None = None,
    message: str = "",
) -> Loan:
    """Asks to borrow a listed LOAN asset for [starts_at, due_at): REQUESTED, or APPROVED at
    once when the asset needs no approval (then SLOT_TAKEN if the dates are taken)."""
    message = v.text(
        message,
        field="message",
        max_length=MAX_MESSAGE,
        invalid=E.INVALID,
        required=False,
        multiline=True,
    )
    now = datetime.now(UTC)
    lending.check_times(starts_at, due_at, now, fields=("startsAt", "dueAt"), longest=LONGEST)
    try:
        async with in_transaction():
            asset = await lending.agreeable_asset(
                actor=actor,
                asset_id=asset_id,
                kind=AssetKind.LOAN,
                starts=starts_at,
                ends=due_at,
                now=now,
                organisation_id=organisation_id,
                manages=MANAGES,
                unavailable=TEXTS["not_lendable"],
                fields=FIELDS,
            )
            instant = not asset.requires_approval
            loan = await Loan.create(
                hub_id=actor.hub_id,
                asset_id=asset.id,
                borrower_id=actor.member_id,
                borrower_organisation_id=organisation_id,
                message=message,
                starts_at=starts_at,
                due_at=due_at,
                status=S.APPROVED if instant else S.REQUESTED,
                decided_at=now if instant else None,
                price_credits=asset.price_credits,
                deposit_credits=asset.deposit_credits,
            )
            await _audit(actor, loan, "loan.request", status=loan.status.value)
    except IntegrityError as exc:
        raise _dates_taken(exc) from exc
    return loan


async def approve(*, actor: Actor, loan_id: int) -> Loan:
    """The owner side approves a requested loan: its dates are held (SLOT_TAKEN when an agreed
    loan overlaps them)."""
    now = datetime.now(UTC)
    try:
        async with in_transaction():
            loan = await _locked(actor, loan_id)
            await _require_owner_side(actor, loan)
            lending.require_status(loan, S.REQUESTED, what=WHAT)
            asset = await lending.lock_asset(actor, loan.asset_id)
            if asset.status != AssetStatus.LISTED:
                raise DomainError(E.NOT_AVAILABLE, TEXTS["not_lendable"], "assetId")
            if loan.due_at <= now:
                raise DomainError(E.INVALID_TRANSITION, TEXTS["lapsed"])
            await _update(loan, status=S.APPROVED, decided_at=now, decided_by_id=actor.member_id)
            await _audit(actor, loan, "loan.approve")
    except IntegrityError as exc:
        raise _dates_taken(exc) from exc
    return loan


async def decline(*, actor: Actor, loan_id: int) -> Loan:
    """The owner side declines a requested loan."""
    now = datetime.now(UTC)
    async with in_transaction():
        loan = await _locked(actor, loan_id)
        await _require_owner_side(actor, loan)
        lending.require_status(loan, S.REQUESTED, what=WHAT)
        await _update(loan, status=S.DECLINED, decided_at=now, decided_by_id=actor.member_id)
        await _audit(actor, loan, "loan.decline")
    return loan


async def cancel(*, actor: Actor, loan_id: int) -> Loan:
    """Either side cancels a requested or approved loan before the handover is complete;
    credits held by a half-confirmed handover are released."""
    async with in_transaction():
        loan = await _locked(actor, loan_id)
        owner = await _side(actor, loan)
        if loan.status in OUT:
            raise DomainError(E.INVALID_TRANSITION, TEXTS["handed_over"])
        lending.require_status(loan, S.REQUESTED, S.APPROVED, what=WHAT)
        await close_unused(loan)
        await _audit(actor, loan, "loan.cancel", side="owner" if owner else "borrower")
    return loan


async def close_unused(loan: Loan) -> None:
    """CANCELLED, releasing any credits a half-confirmed handover held (the caller holds the
    loan's row lock; the cron job cancels approvals never handed over)."""
    await lending.settle(loan.deposit_hold_id, post=False)
    await lending.settle(loan.payment_hold_id, post=False)
    await _update(loan, status=S.CANCELLED)


async def confirm_handover(*, actor: Actor, loan_id: int) -> Loan:
    """One side confirms the handover of an approved loan, once (ALREADY_CONFIRMED after).
    The borrower's side's confirmation holds the deposit and price; with both it is ON_LOAN."""
    now = datetime.now(UTC)
    async with in_transaction():
        loan = await _locked(actor, loan_id)
        owner = await _side(actor, loan)
        mine = loan.handover_owner_confirmed_at if owner else loan.handover_borrower_confirmed_at
        if mine is not None:
            raise DomainError(E.ALREADY_CONFIRMED, _("Your side confirmed this handover already."))
        lending.require_status(loan, S.APPROVED, what=WHAT)
        changes: dict[str, Any] = (
            {"handover_owner_confirmed_at": now}
            if owner
            else {"handover_borrower_confirmed_at": now, **await _hold(loan)}
        )
        other = loan.handover_borrower_confirmed_at if owner else loan.handover_owner_confirmed_at
        if other is not None:
            changes |= {"status": S.ON_LOAN, "handed_over_at": now}
        await _update(loan, **changes)
        await _audit(actor, loan, "loan.handover", side="owner" if owner else "borrower")
    return loan


async def confirm_return(
    *, actor: Actor, loan_id: int, condition: Condition | None = None, note: str = ""
) -> Loan:
    """One side confirms the thing came back, once; the owner side notes its condition. With
    both it is RETURNED: the deposit is released, the price paid, the impact recorded."""
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID, required=False)
    now = datetime.now(UTC)
    async with in_transaction():
        loan = await _locked(actor, loan_id)
        owner = await _side(actor, loan)
        mine = loan.return_owner_confirmed_at if owner else loan.return_borrower_confirmed_at
        if mine is not None:
            raise DomainError(E.ALREADY_CONFIRMED, _("Your side confirmed this return already."))
        lending.require_status(loan, *OUT, what=WHAT)
        if owner and condition is None:
            raise DomainError(E.INVALID, TEXTS["condition"], "condition")
        if not owner and (condition is not None or note):
            raise DomainError(E.INVALID, TEXTS["condition_owner"], "condition")
        changes: dict[str, Any] = (
            {"return_owner_confirmed_at": now, "return_condition": condition, "return_note": note}
            if owner
            else {"return_borrower_confirmed_at": now}
        )
        other = loan.return_borrower_confirmed_at if owner else loan.return_owner_confirmed_at
        if other is not None:
            changes |= {"status": S.RETURNED, "returned_at": now}
        await _update(loan, **changes)
        if other is not None:
            await lending.settle(loan.deposit_hold_id, post=False)
            await lending.settle(loan.payment_hold_id, post=True)
            await record_impact(loan, at=now)
        await _audit(actor, loan, "loan.return", side="owner" if owner else "borrower")
    return loan


async def dispute(*, actor: Actor, loan_id: int, reason: str) -> Loan:
    """Either side disputes a loan that is out (before the return is complete): a moderator
    will settle the deposit."""
    reason = v.text(reason, field="reason", max_length=MAX_NOTE, invalid=E.INVALID)
    now = datetime.now(UTC)
    async with in_transaction():
        loan = await _locked(actor, loan_id)
        owner = await _side(actor, loan)
        lending.require_status(loan, *OUT, what=WHAT)
        await _update(
            loan,
            status=S.DISPUTED,
            disputed_at=now,
            disputed_by_id=actor.member_id,
            dispute_reason=reason,
        )
        await _audit(actor, loan, "loan.dispute", side="owner" if owner else "borrower")
    return loan


async def resolve(*, actor: Actor, loan_id: int, resolution: DisputeResolution, note: str) -> Loan:
    """A moderator resolves a dispute: the deposit goes back (voided) or to the owner side
    (posted); the price is paid; the loan closes as RETURNED."""
    if not await MODERATOR.allows(Viewer.of(actor)):
        raise DomainError(E.FORBIDDEN, TEXTS["moderators"])
    note = v.text(note, field="note", max_length=MAX_NOTE, invalid=E.INVALID)
    now = datetime.now(UTC)
    async with in_transaction():
        loan = await _locked(actor, loan_id)
        lending.require_status(loan, S.DISPUTED, what=WHAT)
        both = loan.return_owner_confirmed_at and loan.return_borrower_confirmed_at
        await lending.settle(
            loan.deposit_hold_id, post=resolution == DisputeResolution.DEPOSIT_TO_OWNER
        )
        await lending.settle(loan.payment_hold_id, post=True)
        await _update(
            loan,
            status=S.RETURNED,
            returned_at=now if both else None,
            resolution=resolution,
            resolution_note=note,
            resolved_by_id=actor.member_id,
            resolved_at=now,
        )
        await record_impact(loan, at=now)
        await _audit(actor, loan, "loan.resolve", resolution=resolution.value)
    return loan


async def _hold(loan: Loan) -> dict[str, int]:
    """The deposit and price held on the borrower (ids of the holds, by column)."""
    asset = await Asset.get(id=loan.asset_id, hub_id=loan.hub_id)
    held: dict[str, int] = {}
    parts = (
        ("deposit_hold_id", loan.deposit_credits, TransferKind.DEPOSIT, "deposit"),
        ("payment_hold_id", loan.price_credits, TransferKind.RENTAL, "price"),
    )
    for column, amount, kind, part in parts:
        if amount > 0 and getattr(loan, column) is None:
            transfer = await lending.hold(
                asset=asset,
                payer_id=loan.borrower_id,
                amount=amount,
                kind=kind,
                reference=f"loan:{loan.id}:{part}",
                memo=TEXTS[f"{part}_memo"].format(title=asset.title),
            )
            held[column] = transfer.id
    return held


def _dates_taken(exc: IntegrityError) -> Exception:
    if lending.constraint_of(exc) != "loan_no_overlap":
        return exc
    return DomainError(E.SLOT_TAKEN, TEXTS["dates_taken"], "startsAt")


async def _locked(actor: Actor, loan_id: int) -> Loan:
    loan = await Loan.select_for_update().filter(id=loan_id, hub_id=actor.hub_id).first()
    if loan is None:
        raise DomainError(E.NOT_FOUND, TEXTS["not_found"], "loanId")
    return loan


async def _side(actor: Actor, loan: Loan) -> bool:
    return await lending.side_of(actor, loan, owner=OWNER_SIDE, other=BORROWER_SIDE, what=WHAT)


async def _require_owner_side(actor: Actor, loan: Loan) -> None:
    if not await OWNER_SIDE.allows(Viewer.of(actor), loan):
        raise DomainError(E.FORBIDDEN, TEXTS["owner_only"])


async def _update(loan: Loan, **changes: object) -> None:
    await Loan.filter(id=loan.id).update(**changes)
    for name, value in changes.items():
        setattr(loan, name, value)


async def _audit(actor: Actor, loan: Loan, action: str, **data: object) -> None:
    await audit.record(
        actor=actor,
        hub_id=actor.hub_id,
        action=action,
        object_type="Loan",
        object_id=loan.id,
        data=data or None,
    )
