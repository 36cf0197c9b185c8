"""Signed messages from partner installations, verified, then dispatched on their `type`: the
payee's side of a payment (below), linked accounts (app/federation/remote_accounts.py), the
clearing balance.

The payee's side of a payment between installations (app/federation/protocol.py says how
the protocol runs): messages verified by their signature, then handled once per payment. A
PREPARE holds the converted amount on the clearing account for the partner; only a COMMIT posts
it, only a VOID releases it; a VOID before any PREPARE leaves a VOIDED placeholder."""

import asyncio
import json
import logging
import os
import uuid
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from app.credits import ledger
from app.credits.errors import CreditsErrorCode
from app.credits.models import Account, TransferKind
from app.errors import DomainError
from app.federation import rates, remote_accounts, signing
from app.federation.errors import FederationErrorCode as E
from app.federation.models import (
    FINAL,
    HubLink,
    LinkStatus,
    PaymentRole,
    PaymentState,
    RemotePayment,
)
from app.federation.payments import payable_member
from app.federation.protocol import injected_faults, set_state

log = logging.getLogger(__name__)
PAYMENT_KINDS = ("prepare", "commit", "void")


class Refused(Exception):
    """Answered with an HTTP error status and nothing written."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


async def receive(url: str, headers: dict[str, str], raw: bytes) -> dict[str, Any]:
    """A message from a partner installation: verified, then handled once per payment."""
    try:
        body = json.loads(raw)
        pair = uuid.UUID(str(body["pair"]))
        kind = str(body["type"])
        payment_id = uuid.UUID(str(body["payment_id"])) if kind in PAYMENT_KINDS else None
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused(400, "malformed") from exc
    if kind not in (*PAYMENT_KINDS, "balance", *remote_accounts.KINDS):
        raise Refused(400, "malformed")
    # `connect` refuses a pair that exists, so one row at most; two would be refused.
    found = await HubLink.filter(pair=pair, partner_hub_id=None).limit(2)
    link = found[0] if len(found) == 1 else None
    if link is None or not link.data.get("partner_key"):
        raise Refused(401, "unknown_link")
    expected = f"{link.pair}:{link.partner_slug}"

    def public(key_id: str) -> Any:
        return signing.public_key(link.data["partner_key"]) if key_id == expected else None

    try:
        signing.verify(url, headers, raw, public=public)
    except signing.BadSignature as exc:
        raise Refused(401, "bad_signature") from exc
    faults = injected_faults()
    if kind in faults.get("delay", {}):  # tests: a slow partner (the sender times out)
        await asyncio.sleep(float(faults["delay"][kind]))
    if kind in remote_accounts.KINDS:  # linked accounts (app/federation/remote_accounts.py)
        try:
            answer = await remote_accounts.receive(link, kind, body)
        except remote_accounts.Malformed as exc:
            raise Refused(400, "malformed") from exc
        except remote_accounts.Unknown as exc:
            raise Refused(404, remote_accounts.UNKNOWN) from exc
    elif kind == "balance":
        answer = await balance(link)
    else:
        assert payment_id is not None
        if kind == "prepare":
            answer = await _prepare(link, payment_id, body)
        else:
            answer = await _decide(link, payment_id, kind)
    if kind in faults.get("crash_after", []):  # tests: killed after committing, before answering
        os._exit(1)
    return answer


def _refusal(code: str) -> dict[str, Any]:
    return {"state": "refused", "code": code}


async def _prepare(link: HubLink, payment_id: uuid.UUID, body: dict[str, Any]) -> dict[str, Any]:
    async with in_transaction():
        link = await HubLink.filter(id=link.id).select_for_update().get()
        known = await RemotePayment.get_or_none(hub_id=link.hub_id, payment_id=payment_id)
        if known is not None:  # a repeat: what was done
            return {"state": known.state.value}
        try:
            deadline = datetime.fromisoformat(str(body["deadline"]))
            amount = int(body["amount"])
            payee_id = int(body["payee_id"])
            category = str(body.get("category", ""))[:60]
            memo = str(body.get("memo", ""))[:280]
            payer_name = str(body.get("payer_name", ""))[:80]
            payer_amount = int(body.get("payer_amount", 0))
            payer_id = int(body.get("payer_id", 0))
        except (KeyError, ValueError, TypeError) as exc:
            raise Refused(400, "malformed") from exc
        if datetime.now(UTC) > deadline:
            return _refusal("expired")
        if link.status != LinkStatus.ACTIVE:
            return _refusal(E.LINK_NOT_ACTIVE.value)
        if link.allowed_categories and category not in link.allowed_categories:
            return _refusal(E.CATEGORY_NOT_ALLOWED.value)
        payee = await payable_member(hub_id=link.hub_id, member_id=payee_id)
        if payee is None:
            return _refusal(E.NOT_FOUND.value)
        if not 0 < amount <= ledger.MAX_AMOUNT:
            return _refusal(E.INVALID.value)
        # The payer's side converted; this side checks it at its own rate (one credit here
        # is numerator/denominator of the partner's: the payer's amount is worth d/n here).
        try:
            expected = rates.convert(payer_amount, link.rate_denominator, link.rate_numerator)
        except DomainError:
            return _refusal(E.NOT_CONVERTIBLE.value)
        if amount != expected:
            return _refusal(E.NOT_CONVERTIBLE.value)
        try:
            hold = await ledger.hold(
                source=await Account.get(hub_id=link.hub_id, link_id=link.id),
                destination=await ledger.member_account(link.hub_id, payee.id),
                amount=amount,
                kind=TransferKind.EXCHANGE,
                memo=memo,
                category=category or ledger.category_for(TransferKind.EXCHANGE),
                reference=f"xhub:{payment_id}",
                data={"pair": str(link.pair), "partner_hub": link.partner_name,
                      "partner_member": payer_name, "partner_amount": payer_amount,
                      "partner_remote_member_id": payer_id},
            )  # fmt: skip
        except DomainError as exc:
            if exc.code == CreditsErrorCode.INSUFFICIENT_CREDITS:
                return _refusal(E.OVER_LINK_LIMIT.value)
            raise
        await RemotePayment.create(
            hub_id=link.hub_id,
            link_id=link.id,
            payment_id=payment_id,
            role=PaymentRole.PAYEE,
            state=PaymentState.PREPARED,
            amount=amount,
            partner_amount=0,
            member_id=payee.id,
            remote_member_id=0,
            hold_id=hold.id,
            category=category,
            memo=memo,
            deadline=deadline,
        )
    return {"state": "prepared"}


async def _decide(link: HubLink, payment_id: uuid.UUID, kind: str) -> dict[str, Any]:
    async with in_transaction():
        # The link row first, as `_prepare` takes it: a PREPARE in flight finishes first or
        # finds what this VOID wrote.
        link = await HubLink.filter(id=link.id).select_for_update().get()
        payment = (
            await RemotePayment.filter(
                hub_id=link.hub_id, link_id=link.id, payment_id=payment_id,
                role=PaymentRole.PAYEE,
            ).select_for_update().first()
        )  # fmt: skip
        if payment is None:
            if kind != "void":
                raise Refused(404, "unknown_payment")
            # Never prepared here: a VOIDED placeholder, so a late PREPARE (unique
            # hub_id, payment_id) answers "voided" and holds nothing.
            await RemotePayment.create(
                hub_id=link.hub_id, link_id=link.id, payment_id=payment_id,
                role=PaymentRole.PAYEE, state=PaymentState.VOIDED, amount=0,
                partner_amount=0, member_id=0, remote_member_id=0, hold_id=None,
                deadline=datetime.now(UTC),
            )  # fmt: skip
            return {"state": PaymentState.VOIDED.value}
        if payment.state == PaymentState.PREPARED:
            assert payment.hold_id is not None
            if kind == "commit":
                await ledger.post_hold(payment.hold_id)
                await set_state(payment, PaymentState.COMMITTED)
            else:
                await ledger.void_hold(payment.hold_id)
                await set_state(payment, PaymentState.VOIDED)
        return {"state": payment.state.value}


async def balance(link: HubLink) -> dict[str, Any]:
    """This side's clearing balance with the partner, and its payments still in flight."""
    clearing = await Account.get(hub_id=link.hub_id, link_id=link.id)
    in_flight = await RemotePayment.filter(link_id=link.id, state__not_in=list(FINAL)).count()
    return {"state": "balance", "balance": clearing.balance, "in_flight": in_flight}
