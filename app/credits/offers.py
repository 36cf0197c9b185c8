"""Business vouchers: offers for credits, redeemed for single-use codes checked at the till."""

import logging
import secrets
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.budgets import limits
from app.credits import idempotency, ledger
from app.credits.errors import CreditsErrorCode as E
from app.credits.models import Transfer, TransferKind, Voucher, VoucherOffer, VoucherStatus
from app.credits.policy import ISSUER
from app.errors import AccessDenied, DomainError
from app.i18n import _
from app.organisations.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
)
from app.policy import Viewer

log = logging.getLogger(__name__)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MANAGERS = (OrganisationRole.OWNER, OrganisationRole.ADMIN)


def new_code() -> str:
    """16 random symbols (80 bits), grouped for reading aloud at a till."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "CH-" + "-".join(symbols[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    return code.strip().upper().replace(" ", "")[:32]


async def _role(actor: Actor, organisation_id: int) -> OrganisationRole | None:
    membership = await OrganisationMember.get_or_none(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    )
    return membership.role if membership else None


async def _business(actor: Actor, organisation_id: int) -> Organisation:
    organisation = await Organisation.get_or_none(id=organisation_id, hub_id=actor.hub_id)
    if organisation is None:
        raise DomainError(E.NOT_FOUND, _("No such organisation."), "organisationId")
    if await _role(actor, organisation.id) not in MANAGERS:
        raise DomainError(E.FORBIDDEN, _("Only the business's owners and admins do this."), None)
    if organisation.kind != OrganisationKind.BUSINESS:
        raise DomainError(
            E.FORBIDDEN, _("Only businesses publish voucher offers."), "organisationId"
        )
    return organisation


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise DomainError(E.INVALID, _("Give a time zone (UTC offset)."), field)
    return value.astimezone(UTC)


def _offer_fields(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name, field in (("valid_from", "validFrom"), ("valid_until", "validUntil")):
        if name in out:
            out[name] = _aware(out[name], field)
    if "title" in out:
        out["title"] = v.text(out["title"], field="title", max_length=120, invalid=E.INVALID)
    if "description" in out:
        out["description"] = v.text(
            out["description"] or "",
            field="description",
            max_length=2000,
            invalid=E.INVALID,
            required=False,
            multiline=True,
        )
    if "cost" in out:
        out["cost"] = ledger.check_amount(out["cost"], "cost")
    if "stock" in out:
        v.int_range(out["stock"], field="stock", low=0, high=1_000_000, invalid=E.INVALID)
    if "per_member_limit" in out:
        v.int_range(
            out["per_member_limit"], field="perMemberLimit", low=1, high=1000, invalid=E.INVALID
        )
    if "voucher_days" in out:
        v.int_range(out["voucher_days"], field="voucherDays", low=1, high=365, invalid=E.INVALID)
    return out


def _check_dates(valid_from: datetime, valid_until: datetime) -> None:
    if valid_until <= valid_from:
        raise DomainError(E.INVALID, _("Must be after validFrom."), "validUntil")


async def create_offer(
    *, actor: Actor, organisation_id: int, fields: dict[str, Any]
) -> VoucherOffer:
    """A business publishes an offer (its owners and admins)."""
    await _business(actor, organisation_id)
    cleaned = _offer_fields(fields)
    if cleaned.get("stock", 1) < 1:
        raise DomainError(E.INVALID, _("Offer at least one voucher."), "stock")
    _check_dates(cleaned["valid_from"], cleaned["valid_until"])
    async with in_transaction():
        offer = await VoucherOffer.create(
            hub_id=actor.hub_id, organisation_id=organisation_id, **cleaned
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="voucher_offer.create",
            object_type="VoucherOffer",
            object_id=offer.id,
        )
    return offer


async def update_offer(*, actor: Actor, offer_id: int, fields: dict[str, Any]) -> VoucherOffer:
    """Changes stock, activity, texts or dates of an offer."""
    cleaned = _offer_fields(fields)
    async with in_transaction():
        offer = await VoucherOffer.select_for_update().get_or_none(id=offer_id, hub_id=actor.hub_id)
        if offer is None:
            raise DomainError(E.NOT_FOUND, _("No such offer."), "offerId")
        await _business(actor, offer.organisation_id)
        for name, value in cleaned.items():
            setattr(offer, name, value)
        _check_dates(offer.valid_from, offer.valid_until)
        await offer.save()
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="voucher_offer.update",
            object_type="VoucherOffer",
            object_id=offer.id,
        )
    return offer


def open_offers(hub_id: int) -> Any:
    now = datetime.now(UTC)
    return VoucherOffer.filter(
        hub_id=hub_id, active=True, stock__gt=0, valid_from__lte=now, valid_until__gt=now
    ).order_by("valid_until", "id")


async def redeem(*, actor: Actor, offer_id: int, idempotency_key: str) -> Voucher:
    """Spends credits on an offer and issues a single-use code (idempotent per key), in one
    statement (app/credits/ledger.redeem)."""
    idempotency.check_key(idempotency_key)
    return await ledger.redeem(
        hub_id=actor.hub_id,
        member_id=actor.member_id,
        acted_by=actor.acted_by.id if actor.acted_by else None,
        offer_id=offer_id,
        code=new_code(),
        idempotency_key=idempotency_key,
        request_hash=idempotency.request_hash("redeem", {"offer": offer_id}),
    )


async def check_code(*, actor: Actor, code: str) -> Voucher:
    """The voucher behind a code, for the people of the business that issued it (the policy's
    ISSUER rule). NOT_FOUND: no such code in the hub; AccessDenied (FORBIDDEN): another
    business's voucher, or the holder asking. RATE_LIMITED: too many checks by this member or
    from this address (guessing codes)."""
    await limits.guard(
        limits.VOUCHER_CHECK,
        identity=f"member:{actor.member_id}",
        code=E.RATE_LIMITED,
        field="code",
    )
    voucher = await Voucher.get_or_none(code=normalise_code(code), hub_id=actor.hub_id)
    if voucher is None:
        raise DomainError(E.NOT_FOUND, _("No such voucher code."), "code")
    if not await ISSUER.allows(Viewer.of(actor), voucher):
        raise AccessDenied(_("This voucher is for another business: only its people can use it."))
    return voucher


async def use_code(*, actor: Actor, code: str) -> Voucher:
    """Marks a code used at the till, exactly once (staff of the issuing business)."""
    voucher = await check_code(actor=actor, code=code)
    now = datetime.now(UTC)
    async with in_transaction():
        updated = await Voucher.filter(
            id=voucher.id, status=VoucherStatus.ISSUED, expires_at__gt=now
        ).update(status=VoucherStatus.USED, used_at=now, used_by_id=actor.member_id)
        if not updated:
            await voucher.refresh_from_db()
            if voucher.status == VoucherStatus.USED:
                raise DomainError(E.VOUCHER_USED, _("This voucher has already been used."), "code")
            raise DomainError(E.VOUCHER_EXPIRED, _("This voucher has expired."), "code")
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="voucher.use",
            object_type="Voucher",
            object_id=voucher.id,
        )
    await voucher.refresh_from_db()
    return voucher


REFUND_BATCH = 500


async def refund_expired_vouchers(*, now: datetime | None = None) -> int:
    """Cron: expired unused vouchers are refunded (if the offer says so) or marked expired.

    Pages by id, so vouchers whose refund must wait (the business cannot pay yet) never hold
    back the ones after them; those are tried again on the next run.
    """
    now = now or datetime.now(UTC)
    done, after = 0, 0
    while True:
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "SELECT id FROM voucher WHERE status = 'issued' AND expires_at <= $1 AND id > $2"
            f" ORDER BY id LIMIT {REFUND_BATCH}",
            [now, after],
        )
        for row in rows:
            try:
                done += await _settle_expired(row["id"])
            except DomainError as exc:  # e.g. the business cannot refund yet
                log.warning(
                    "voucher refund postponed", extra={"voucher_id": row["id"], "why": str(exc)}
                )
        if len(rows) < REFUND_BATCH:
            return done
        after = rows[-1]["id"]


async def _settle_expired(voucher_id: int) -> int:
    async with in_transaction():
        voucher = await Voucher.select_for_update(skip_locked=True).get_or_none(
            id=voucher_id, status=VoucherStatus.ISSUED
        )
        if voucher is None:
            return 0
        offer = await VoucherOffer.get(id=voucher.offer_id)
        # A voucher given free (a product trial's reward) was not bought: nothing to refund.
        original = (
            await Transfer.get(id=voucher.transfer_id) if voucher.transfer_id is not None else None
        )
        if offer.refund_unused and original is not None:
            refund = await ledger.post(
                source=await ledger.organisation_account(voucher.hub_id, offer.organisation_id),
                destination=await ledger.member_account(voucher.hub_id, voucher.member_id),
                amount=original.amount,
                kind=TransferKind.REFUND,
                memo=f"Unused voucher: {offer.title}"[:280],
                category="vouchers",
                reference=f"voucher-refund:{voucher.id}",
                reverses=original.id,
            )
            voucher.status, voucher.refund_id = VoucherStatus.REFUNDED, refund.id
        else:
            voucher.status = VoucherStatus.EXPIRED
        await voucher.save(update_fields=["status", "refund_id"])
    return 1
