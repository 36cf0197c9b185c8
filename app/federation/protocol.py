"""Payments across links to other installations: a hold, then commit or void on both sides.

The payer's side decides (this module); the payee's side follows (app/federation/receiving.py);
the daily check of both sides is app/federation/reconciliation.py. Each side keeps the
payment's state (RemotePayment), and every message is idempotent by the payment's id: a repeat
is answered with the state it reached, writing nothing.

Payer side (`start`, then `drive`, then the worker's `recover` until final):
  1. one transaction: the payer's credits held toward this hub's clearing account, state
     PREPARING (committed before any message leaves, so a crash never forgets a hold);
  2. PREPARE to the partner; it holds the converted amount on its clearing account for this
     hub (within the credit limit it gives this hub) and answers PREPARED, or REFUSED with a
     code (nothing written there);
  3. PREPARED: this side posts its hold (COMMITTING) and delivers COMMIT until acknowledged
     (COMMITTED); REFUSED: this side voids its hold (VOIDED). No answer: PREPARE is sent again
     (the partner answers a repeat with what it did) until the payment's deadline has passed by
     a margin; then this side voids (VOIDING) and delivers VOID until acknowledged.
The partner refuses a PREPARE after the deadline, so once this side has voided no late or
repeated PREPARE can hold anything there; a VOID for a payment the partner never prepared
leaves a VOIDED placeholder there (so a PREPARE still in flight answers "voided" and holds
nothing) and is answered "voided". The partner never decides alone: only a
COMMIT posts its hold, only a VOID releases it. So every fault ends with both committed or both
voided.
"""

import json
import logging
import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from app.config import get_settings
from app.credits import ledger
from app.credits.models import Account, TransferKind
from app.errors import DomainError
from app.federation import rates, signing
from app.federation.errors import FederationErrorCode as E
from app.federation.models import (
    FINAL,
    HubLink,
    PaymentRole,
    PaymentState,
    RemotePayment,
)
from app.hubs.models import Hub
from app.i18n import _
from app.i18n.stored import pack
from app.integrations import urls
from app.people.models import Member

log = logging.getLogger(__name__)
PATH = "/federation/messages"


class Unreachable(Exception):
    """No answer: lost, timed out, or the partner is down."""


_rng = random.Random(os.environ.get("CH_FEDERATION_FAULT_SEED", "0"))


def _random_fault(kind: str, rate: float) -> dict[str, list[str]]:
    if _rng.random() >= rate:
        return {}
    return {_rng.choice(["lose", "lose_answer", "repeat"]): [kind]}


def injected_faults() -> dict[str, Any]:
    raw = get_settings().federation_faults
    return json.loads(raw) if raw else {}


# ---- sending (payer side) -------------------------------------------------------------


async def send(link: HubLink, body: dict[str, Any]) -> dict[str, Any]:
    """Sends a signed message to the partner; its answer, or Unreachable."""
    faults = injected_faults()
    kind = body["type"]
    if "random" in faults:  # tests: each message meets one random fault, or none
        faults = {**faults, **_random_fault(kind, float(faults["random"]))}
    if kind in faults.get("crash_before", []):  # tests: killed before the message leaves
        os._exit(1)
    if kind in faults.get("lose", []):  # the request never arrives
        raise Unreachable(f"{kind} lost (fault)")
    raw = json.dumps(body).encode()
    url = link.data["url"] + PATH
    try:  # checked again at each message: the name may point elsewhere since the link was made
        await urls.check_destination(url, allowed=get_settings().federation_allowed_hosts)
    except DomainError as exc:
        raise Unreachable(f"{kind}: {exc.message}") from exc
    try:
        headers = signing.sign(
            url, raw, key_id=f"{link.pair}:{(await Hub.get(id=link.hub_id)).slug}",
            private_pem=link.data["own_key"],
        )  # fmt: skip
    except signing.KeyLocked as exc:  # as if unreachable: sent again once the operator fixes it
        log.error("federation key of link %s: %s", link.id, exc)
        raise Unreachable(f"{kind}: {exc}") from exc
    timeout = get_settings().federation_timeout_seconds
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(url, content=raw, headers=headers)
            if kind in faults.get("repeat", []):  # the same message arrives twice
                response = await client.post(url, content=raw, headers=headers)
    except httpx.HTTPError as exc:
        raise Unreachable(f"{kind}: {exc!r}") from exc
    if kind in faults.get("lose_answer", []):  # it arrived, the answer did not
        raise Unreachable(f"{kind} answer lost (fault)")
    if response.status_code >= 500:
        raise Unreachable(f"{kind}: HTTP {response.status_code}")
    answer: dict[str, Any] = response.json()
    return answer


def _message(kind: str, payment: RemotePayment, link: HubLink, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "message_id": f"{kind}:{payment.payment_id}",
        "pair": str(link.pair),
        "payment_id": str(payment.payment_id),
        **extra,
    }


async def start(
    *,
    hub_id: int,
    link: HubLink,
    payer: Member,
    payee_id: int,
    amount: int,
    memo: str,
    category: str,
) -> RemotePayment:
    """Step 1, in the caller's transaction: the hold here and the stored PREPARING state."""
    if link.allowed_categories and category not in link.allowed_categories:
        allowed = ", ".join(link.allowed_categories)
        raise DomainError(
            E.CATEGORY_NOT_ALLOWED,
            _("This link carries only these categories: {allowed}.", allowed=allowed),
            "category",
        )
    converted = rates.convert(amount, link.rate_numerator, link.rate_denominator)
    payment_id = uuid.uuid4()
    clearing = await Account.get(hub_id=hub_id, link_id=link.id)
    label = _("member {id}", id=payee_id)  # only the id is known here; read in each language
    hold = await ledger.hold(
        source=await ledger.member_account(hub_id, payer.id),
        destination=clearing,
        amount=amount,
        kind=TransferKind.EXCHANGE,
        memo=memo,
        category=category,
        reference=f"xhub:{payment_id}",
        initiated_by=payer.id,
        data={"pair": str(link.pair), "partner_hub": link.partner_name,
              "partner_member": str(label), "texts": {"partner_member": pack(label)},
              "partner_amount": converted,
              # an id of the other installation: never one of this installation's members
              "partner_remote_member_id": payee_id},
    )  # fmt: skip
    deadline = datetime.now(UTC) + timedelta(seconds=get_settings().federation_deadline_seconds)
    return await RemotePayment.create(
        hub_id=hub_id,
        link_id=link.id,
        payment_id=payment_id,
        role=PaymentRole.PAYER,
        state=PaymentState.PREPARING,
        amount=amount,
        partner_amount=converted,
        member_id=payer.id,
        remote_member_id=payee_id,
        hold_id=hold.id,
        category=category,
        memo=memo,
        deadline=deadline,
    )


async def drive(payment_id: uuid.UUID) -> PaymentState | None:
    """Takes the payer's side as far as the partner's answers allow; None when another run
    holds it. Idempotent: any number of runs, concurrent or after a crash, end the same."""
    for _attempt in range(3):
        state = await _step(payment_id)
        if state is None or state in FINAL or state == "stuck":
            return None if state == "stuck" else state
    return state


async def _step(payment_id: uuid.UUID) -> Any:
    async with in_transaction():
        payment = (
            await RemotePayment.filter(payment_id=payment_id, role=PaymentRole.PAYER)
            .select_for_update(skip_locked=True)
            .first()
        )
        if payment is None:
            return None
        if payment.state in FINAL:
            return payment.state
        link = await HubLink.get(id=payment.link_id)
        try:
            await _advance(payment, link)
        except Unreachable as exc:
            log.warning("federation: %s %s: %s", payment.payment_id, payment.state, exc)
            payment.attempts += 1
            await payment.save(update_fields=["attempts", "updated_at"])
            return "stuck"
        return payment.state


async def _advance(payment: RemotePayment, link: HubLink) -> None:
    assert payment.hold_id is not None
    if payment.state == PaymentState.PREPARING:
        margin = timedelta(seconds=get_settings().federation_margin_seconds)
        if datetime.now(UTC) > payment.deadline + margin:
            await ledger.void_hold(payment.hold_id)
            await set_state(payment, PaymentState.VOIDING)
            return
        member = await Member.get(id=payment.member_id)
        answer = await send(
            link,
            _message(
                "prepare", payment, link, amount=payment.partner_amount,
                payee_id=payment.remote_member_id, payer_name=member.display_name,
                payer_amount=payment.amount, payer_id=payment.member_id,
                category=payment.category, memo=payment.memo,
                deadline=payment.deadline.isoformat(),
            ),
        )  # fmt: skip
        if answer.get("state") == "prepared":
            await ledger.post_hold(payment.hold_id)
            await set_state(payment, PaymentState.COMMITTING)
        elif answer.get("state") == "refused":
            await ledger.void_hold(payment.hold_id)
            payment.refusal = str(answer.get("code", "refused"))[:40]
            await set_state(payment, PaymentState.VOIDED)
        else:
            raise Unreachable(f"prepare: unexpected answer {answer!r}")
    elif payment.state == PaymentState.COMMITTING:
        answer = await send(link, _message("commit", payment, link))
        if answer.get("state") != "committed":
            raise Unreachable(f"commit: answer {answer!r}")
        await set_state(payment, PaymentState.COMMITTED)
    elif payment.state == PaymentState.VOIDING:
        answer = await send(link, _message("void", payment, link))
        if answer.get("state") not in ("voided", "unknown"):
            raise Unreachable(f"void: answer {answer!r}")
        await set_state(payment, PaymentState.VOIDED)


async def set_state(payment: RemotePayment, state: PaymentState) -> None:
    payment.state = state
    await payment.save(update_fields=["state", "refusal", "updated_at"])


async def recover(*, limit: int = 200) -> dict[str, int]:
    """The worker's job: every payer-side payment not yet final is driven again (PREPARE or
    the decision re-sent). Safe to run anywhere, any number of times."""
    pending = (
        await RemotePayment.filter(role=PaymentRole.PAYER, state__not_in=list(FINAL))
        .order_by("updated_at")
        .limit(limit)
        .values_list("payment_id", flat=True)
    )
    done = 0
    for payment_id in pending:
        if await drive(uuid.UUID(str(payment_id))) in FINAL:
            done += 1
    return {"pending": len(pending), "finished": done}
