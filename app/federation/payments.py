"""Paying a member of a partner hub on this installation: one database transaction.

The payer's credits go to their hub's clearing account for the partner; the partner's
clearing account for this hub pays the payee the converted amount (app/federation/rates.py:
exact, or refused). Each posting stays inside one hub, so each hub's books sum to zero at
every moment. The partner's clearing account may go below zero only as far as the partner's
credit limit for this hub: that is the net position the partner accepts (the ledger checks it
on the locked row, so concurrent payments cannot pass it).

Locks, in this order: both sides' link rows (id order: every payment across a link queues
there, and sees its status and terms as they are), then the four accounts in id order (as every
posting locks its two), so no cycle of waits forms with local payments or other links.
"""

import uuid
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.credits import idempotency, ledger
from app.credits.errors import CreditsErrorCode
from app.credits.models import Account, Transfer, TransferKind
from app.errors import DomainError
from app.federation import protocol, rates
from app.federation.errors import FederationErrorCode as E
from app.federation.links import STATUS_NAMES, other_side
from app.federation.models import (
    HubLink,
    LinkStatus,
    PaymentRole,
    PaymentState,
    RemotePayment,
)
from app.federation.policy import category_refusal
from app.i18n import Msg, _, n_
from app.i18n.stored import pack
from app.people.models import Member, MemberStatus


async def _link(hub_id: int, partner_slug: str) -> tuple[HubLink, HubLink | None]:
    """Both sides of the hub's link with the partner, locked (the partner's None when it is
    on another installation); NO_LINK or LINK_NOT_ACTIVE."""
    mine = await HubLink.filter(hub_id=hub_id, partner_slug=partner_slug).first()
    if mine is None or mine.status == LinkStatus.DECLINED:
        raise DomainError(E.NO_LINK, _("This hub has no link with that hub."), "partnerHubSlug")
    rows = await other_side(mine).order_by("id").select_for_update()
    mine = next(r for r in rows if r.id == mine.id)
    theirs = next((r for r in rows if r.id != mine.id), None)
    if theirs is None and mine.partner_hub_id is not None:
        raise DomainError(E.NO_LINK, _("This hub has no link with that hub."), "partnerHubSlug")
    if mine.status != LinkStatus.ACTIVE or (theirs and theirs.status != LinkStatus.ACTIVE):
        raise DomainError(
            E.LINK_NOT_ACTIVE,
            _("The link with that hub is {status}.", status=STATUS_NAMES[mine.status]),
            "partnerHubSlug",
        )
    return mine, theirs


async def payable_member(*, hub_id: int, member_id: int) -> Member | None:
    """The hub's member a payment across a link may credit: active, and no guest account (a
    guest's earnings cross to their home account; credits_pay refuses guests the same way)."""
    payee = await Member.get_or_none(id=member_id, hub_id=hub_id, home_member_id__isnull=True)
    return payee if payee is not None and payee.status == MemberStatus.ACTIVE else None


async def _lock_accounts(ids: list[int]) -> None:
    await Tortoise.get_connection("default").execute_query(
        "SELECT id FROM account WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE", [ids]
    )


async def transfer_across(
    *,
    mine: HubLink,
    theirs: HubLink,
    source: Account,
    payee: Member,
    amount: int,
    memo: str,
    category: str,
    kind: TransferKind,
    initiated_by: int | None,
    payer_name: str,
    payer_id: int | None = None,
    reference: str | None = None,
) -> tuple[Transfer, Transfer]:
    """`amount` from `source` (an account of mine.hub) to `payee` (a member of theirs.hub)
    across the locked link; call it inside a transaction. Returns both hubs' transfers. Each
    transfer names the other side's member beside their id (`partner_member_id`, None when the
    payer is the hub itself): erasing that member clears the name (app/gdpr/erasure.py)."""
    if category_refusal(mine, theirs, category) is not None:
        allowed = ", ".join(mine.allowed_categories or theirs.allowed_categories)
        raise DomainError(
            E.CATEGORY_NOT_ALLOWED,
            _("This link carries only these categories: {allowed}.", allowed=allowed),
            "category",
        )
    converted = rates.convert(amount, mine.rate_numerator, mine.rate_denominator)
    ledger.check_amount(converted)
    my_clearing = await Account.get(hub_id=mine.hub_id, link_id=mine.id)
    their_clearing = await Account.get(hub_id=theirs.hub_id, link_id=theirs.id)
    payee_account = await ledger.member_account(theirs.hub_id, payee.id)
    await _lock_accounts([source.id, my_clearing.id, their_clearing.id, payee_account.id])
    reference = reference or f"xhub:{uuid.uuid4()}"
    data: dict[str, Any] = {
        "pair": str(mine.pair),
        "rate": [mine.rate_numerator, mine.rate_denominator],
    }
    if isinstance(memo, Msg):  # a label of ours, not someone's words: read in each language
        data["texts"] = {"memo": pack(memo)}
    out = await ledger.post(
        source=source,
        destination=my_clearing,
        amount=amount,
        kind=kind,
        memo=memo,
        category=category,
        reference=reference,
        initiated_by=initiated_by,
        data={
            **data,
            "partner_hub": mine.partner_name,
            "partner_member": payee.display_name,
            "partner_member_id": payee.id,
            "partner_amount": converted,
        },
    )
    try:
        into = await ledger.post(
            source=their_clearing,
            destination=payee_account,
            amount=converted,
            kind=kind,
            memo=memo,
            category=category,
            reference=reference,
            data={
                **data,
                "partner_hub": theirs.partner_name,
                "partner_member": payer_name,
                "partner_member_id": payer_id,
                "partner_amount": amount,
            },
        )
    except DomainError as exc:
        if exc.code != CreditsErrorCode.INSUFFICIENT_CREDITS:
            raise
        raise DomainError(
            E.OVER_LINK_LIMIT,
            _(
                "{partner} accepts no more from this hub now: the payment would pass"
                " the credit limit it gives this hub.",
                partner=mine.partner_name,
            ),
            "amount",
        ) from exc
    return out, into


async def pay(
    *,
    actor: Actor,
    partner_slug: str,
    payee_id: int,
    amount: int,
    memo: str = "",
    category: str = "",
    idempotency_key: str,
) -> Transfer:
    """The member pays a member of a partner hub; returns the payer's hub's transfer. All or
    nothing: a refusal writes nothing (the idempotency claim included)."""
    ledger.check_amount(amount)
    memo = v.text(memo, field="memo", max_length=280, invalid=E.INVALID, required=False)
    category = v.text(
        category, field="category", max_length=60, invalid=E.INVALID, required=False
    ).lower() or ledger.category_for(TransferKind.EXCHANGE)
    slug = partner_slug.strip().lower()
    params = {
        "partner": slug,
        "payee": payee_id,
        "amount": amount,
        "memo": memo,
        "category": category,
    }

    async def effect() -> dict[str, Any]:
        mine, theirs = await _link(actor.hub_id, slug)
        if theirs is None:  # on another installation: the protocol
            remote = await protocol.start(
                hub_id=actor.hub_id, link=mine, payer=actor.member, payee_id=payee_id,
                amount=amount, memo=memo, category=category,
            )  # fmt: skip
            await audit.record(
                actor=actor, hub_id=actor.hub_id, action="federation.pay",
                object_type="Transfer", object_id=remote.hold_id,
                data={"pair": str(mine.pair), "link_id": mine.id,
                      "payment_id": str(remote.payment_id)},
            )  # fmt: skip
            return {"transfer_id": remote.hold_id, "payment_id": str(remote.payment_id)}
        payee = await payable_member(hub_id=theirs.hub_id, member_id=payee_id)
        if payee is None:
            raise DomainError(E.NOT_FOUND, _("No such member in that hub."), "payeeId")
        out, into = await transfer_across(
            mine=mine,
            theirs=theirs,
            source=await ledger.member_account(actor.hub_id, actor.member_id),
            payee=payee,
            amount=amount,
            memo=memo,
            category=category,
            kind=TransferKind.EXCHANGE,
            initiated_by=actor.member_id,
            payer_name=actor.member.display_name,
            payer_id=actor.member_id,
        )
        for hub_id, transfer, row in ((actor.hub_id, out, mine), (theirs.hub_id, into, theirs)):
            await audit.record(
                actor=actor if hub_id == actor.hub_id else None,
                hub_id=hub_id,
                action="federation.pay",
                object_type="Transfer",
                object_id=transfer.id,
                data={"pair": str(row.pair), "link_id": row.id},
            )
        return {"transfer_id": out.id}

    async with in_transaction():
        result = await idempotency.once(
            actor=actor,
            key=idempotency_key,
            operation="pay_partner",
            params=params,
            effect=effect,
        )
    if "payment_id" in result:
        await _after_remote(uuid.UUID(result["payment_id"]))
    return await Transfer.get(id=result["transfer_id"])


async def _after_remote(payment_id: uuid.UUID) -> None:
    """Takes a payment to another installation as far as it goes now (the worker finishes
    it otherwise); the partner's refusal is the member's typed error."""
    await protocol.drive(payment_id)
    payment = await RemotePayment.get(payment_id=payment_id, role=PaymentRole.PAYER)
    if payment.state == PaymentState.VOIDED and payment.refusal:
        code = E.__members__.get(payment.refusal.upper(), E.LINK_NOT_ACTIVE)
        raise DomainError(code, _REFUSALS.get(payment.refusal, _REFUSED), "amount")


_REFUSED = _("The partner hub refused the payment.")
# The partner's refusal codes (app/federation/receiving.py `_prepare`), each in words.
_REFUSALS = {
    "expired": _("The partner hub refused the payment: it arrived too late. Try again."),
    E.LINK_NOT_ACTIVE.value: _("The partner hub refused the payment: its side of the link is"
                               " not active."),
    E.CATEGORY_NOT_ALLOWED.value: _("The partner hub refused the payment: its side of the link"
                                    " does not carry this category."),
    E.NOT_FOUND.value: _("The partner hub refused the payment: no such member there."),
    E.INVALID.value: _("The partner hub refused the payment: the amount is not one it accepts."),
    E.NOT_CONVERTIBLE.value: _("The partner hub refused the payment: at its rate the amount"
                               " converts differently."),
    E.OVER_LINK_LIMIT.value: _("The partner hub refused the payment: it would pass the credit"
                               " limit it gives this hub."),
}  # fmt: skip


async def credit_hours(
    *,
    actor: Actor,
    partner_slug: str,
    volunteer_id: int,
    minutes: int,
    memo: str = "",
    idempotency_key: str,
) -> Transfer:
    """A member of a partner hub volunteered here: this hub's admin pays their hours, at this
    hub's credits per hour, from this hub's issuance account across the link (the partner's
    clearing account pays the volunteer, converted). Returns the volunteer's hub's transfer."""
    from app.credits.models import SystemAccount
    from app.credits.service import credits_for
    from app.hubs.models import Hub
    from app.people.models import Role

    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only a hub admin can do this."), None)
    if not 0 < minutes <= 24 * 60:
        raise DomainError(E.INVALID, _("Minutes from 1 to 1440."), "minutes")
    memo = v.text(memo, field="memo", max_length=280, invalid=E.INVALID, required=False)
    hub = await Hub.get(id=actor.hub_id)
    amount = credits_for(minutes, hub.credits_per_hour)
    slug = partner_slug.strip().lower()
    params = {"partner": slug, "volunteer": volunteer_id, "minutes": minutes, "memo": memo}

    async def effect() -> dict[str, Any]:
        mine, theirs = await _link(actor.hub_id, slug)
        if theirs is None:
            raise DomainError(
                E.NO_LINK, _("Hours are paid across links here only."), "partnerHubSlug"
            )
        volunteer = await payable_member(hub_id=theirs.hub_id, member_id=volunteer_id)
        if volunteer is None:
            raise DomainError(E.NOT_FOUND, _("No such member in that hub."), "volunteerId")
        out, into = await transfer_across(
            mine=mine,
            theirs=theirs,
            source=await ledger.system_account(actor.hub_id, SystemAccount.ISSUANCE),
            payee=volunteer,
            amount=amount,
            memo=memo
            or n_(
                "{n} minute volunteered at {hub}",
                "{n} minutes volunteered at {hub}",
                minutes,
                hub=theirs.partner_name,
            ),
            category="volunteering",
            kind=TransferKind.EARN,
            initiated_by=actor.member_id,
            payer_name=hub.name,
        )
        for hub_id, transfer, row in ((actor.hub_id, out, mine), (theirs.hub_id, into, theirs)):
            await audit.record(
                actor=actor if hub_id == actor.hub_id else None,
                hub_id=hub_id,
                action="federation.credit_hours",
                object_type="Transfer",
                object_id=transfer.id,
                data={"pair": str(row.pair), "link_id": row.id, "minutes": minutes},
            )
        return {"transfer_id": into.id}

    async with in_transaction():
        result = await idempotency.once(
            actor=actor,
            key=idempotency_key,
            operation="credit_partner_volunteer",
            params=params,
            effect=effect,
        )
    return await Transfer.get(id=result["transfer_id"])
