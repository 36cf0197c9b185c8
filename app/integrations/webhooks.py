"""Signed webhooks (Standard Webhooks): endpoints per event type, retries, a delivery log,
and endpoints that keep failing are disabled and their owner told."""

import base64
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from standardwebhooks.webhooks import Webhook
from tortoise.transactions import in_transaction

from app import jobs
from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.config import get_settings
from app.errors import DomainError
from app.events import subscribe
from app.i18n import _, gettext, use_locale
from app.integrations import payloads, urls
from app.integrations.errors import IntegrationErrorCode as E
from app.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.jobs import schedule
from app.jobs.queue import TransientJobError
from app.jobs.registry import job
from app.jobs.runner import final_attempt
from app.mail.service import queue_email, recipient_locale
from app.people.models import Member, Role

# What each carries: app/integrations/payloads.py (and the README's table).
EVENT_TYPES = tuple(payloads.SUBJECTS)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _event_types(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - set(EVENT_TYPES))
    if unknown or not values:
        raise DomainError(
            E.UNKNOWN_EVENT,
            _("Known event types: {names}.", names=", ".join(EVENT_TYPES)),
            "eventTypes",
        )
    return sorted(set(values))


async def create_endpoint(
    *, actor: Actor, url: str, event_types: list[str], description: str = ""
) -> WebhookEndpoint:
    """Registers an endpoint (hub admins); its secret is shown once, in the result."""
    actor.require_role(Role.HUB_ADMIN)
    url = urls.check_syntax(url)
    types = _event_types(event_types)
    description = v.text(
        description, field="description", max_length=200, invalid=E.INVALID, required=False
    )
    await urls.check_destination(url)
    async with in_transaction():
        endpoint = await WebhookEndpoint.create(
            hub_id=actor.hub_id,
            url=url,
            event_types=types,
            description=description,
            secret=new_secret(),
            owner_id=actor.member_id,
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="webhook.create",
            object_type="WebhookEndpoint",
            object_id=endpoint.id,
        )
    return endpoint


async def _endpoint(actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    actor.require_role(Role.HUB_ADMIN)
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, hub_id=actor.hub_id)
    if endpoint is None:
        raise DomainError(E.NOT_FOUND, _("No such webhook endpoint."), "endpointId")
    return endpoint


async def rotate_secret(*, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """A new secret; deliveries are signed with both for a day so receivers can switch."""
    endpoint = await _endpoint(actor, endpoint_id)
    async with in_transaction():
        endpoint.previous_secret, endpoint.secret = endpoint.secret, new_secret()
        endpoint.rotated_at = datetime.now(UTC)
        await endpoint.save(update_fields=["previous_secret", "secret", "rotated_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="webhook.rotate",
            object_type="WebhookEndpoint",
            object_id=endpoint.id,
        )
    return endpoint


async def set_active(*, actor: Actor, endpoint_id: int, active: bool) -> WebhookEndpoint:
    """Switches an endpoint on (resetting its failure count) or off (audited: issue 21)."""
    endpoint = await _endpoint(actor, endpoint_id)
    async with in_transaction():
        endpoint.active, endpoint.consecutive_failures = active, 0
        endpoint.disabled_at = None if active else datetime.now(UTC)
        await endpoint.save(update_fields=["active", "consecutive_failures", "disabled_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="webhook.activate" if active else "webhook.deactivate",
            object_type="WebhookEndpoint",
            object_id=endpoint.id,
        )
    return endpoint


async def fan_out(event: str, data: dict[str, Any], *, hub_id: int, key: str) -> int:
    """One delivery per active endpoint that wants the event (once per event key), carrying
    `data` (app/integrations/payloads.py)."""
    endpoints = await WebhookEndpoint.filter(hub_id=hub_id, active=True)
    queued = 0
    for endpoint in endpoints:
        if event not in endpoint.event_types:
            continue
        message_id = f"msg_{uuid.uuid5(uuid.NAMESPACE_URL, f'{event}:{key}').hex}"
        delivery, _ = await WebhookDelivery.get_or_create(
            hub_id=hub_id,
            endpoint_id=endpoint.id,
            message_id=message_id,
            defaults={
                "event_type": event,
                "payload": {
                    "type": event,
                    "timestamp": datetime.now(UTC).isoformat(),
                    "data": data,
                },
            },
        )
        # Keyed, so a retry of this fan-out after a partial failure (the delivery stored, its
        # job not) queues the missing job and never a second one.
        name = schedule.WEBHOOK_DELIVERY_JOB
        if await jobs.enqueue(name, {"delivery_id": delivery.id}, key=f"{name}:{delivery.id}"):
            queued += 1
    return queued


def _sign(endpoint: WebhookEndpoint, message_id: str, when: datetime, body: str) -> str:
    signatures = [Webhook(endpoint.secret).sign(message_id, when, body)]
    rotated = endpoint.rotated_at
    if endpoint.previous_secret and rotated and (when - rotated).total_seconds() < 86_400:
        signatures.append(Webhook(endpoint.previous_secret).sign(message_id, when, body))
    return " ".join(signatures)


@job(schedule.WEBHOOK_DELIVERY_JOB)
async def deliver(*, delivery_id: int) -> None:
    """POSTs one delivery. A failure is retried on the webhook schedule (app/jobs/schedule.py:
    5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later), then the delivery is marked failed; a
    delivery whose endpoint was switched off meanwhile is marked failed unsent."""
    delivery = await WebhookDelivery.get(id=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    if not endpoint.active:
        delivery.status, delivery.last_error = DeliveryStatus.FAILED, "endpoint disabled"
        await delivery.save(update_fields=["status", "last_error"])
        return
    settings = get_settings()
    body = orjson.dumps(delivery.payload).decode()
    when = datetime.now(UTC)
    headers = {
        "content-type": "application/json",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": _sign(endpoint, delivery.message_id, when, body),
    }
    delivery.attempts += 1
    try:
        await urls.check_destination(endpoint.url)
        async with httpx.AsyncClient(
            timeout=settings.webhook_timeout_seconds, follow_redirects=False
        ) as client:
            response = await client.post(endpoint.url, content=body, headers=headers)
        delivery.last_status_code = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.last_error = "" if ok else f"HTTP {response.status_code}"
    except (httpx.HTTPError, DomainError) as exc:
        ok, delivery.last_error = False, str(exc)[:500] or type(exc).__name__
    await _record(delivery, endpoint, ok)


async def _record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, ok: bool) -> None:
    async with in_transaction():
        if ok:
            delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, datetime.now(UTC)
            await WebhookEndpoint.filter(id=endpoint.id).update(consecutive_failures=0)
        elif _last_try(delivery):
            delivery.status = DeliveryStatus.FAILED
            await _count_failure(endpoint.id)
        await delivery.save()
    if not ok and delivery.status == DeliveryStatus.PENDING:
        raise TransientJobError(delivery.last_error)


def _last_try(delivery: WebhookDelivery) -> bool:
    """No retry follows: the job runner's last attempt (app/jobs/schedule.py)."""
    final = final_attempt()
    if final is not None:
        return final
    return delivery.attempts >= schedule.max_tries(schedule.WEBHOOK_DELIVERY_JOB)


async def _count_failure(endpoint_id: int) -> None:
    """One more delivery failed for good, after its whole schedule (over a day by default):
    after CH_WEBHOOK_DISABLE_AFTER in a row the endpoint is switched off and its owner emailed.
    The row is locked, so deliveries failing at once each count, and one of them disables."""
    endpoint = await WebhookEndpoint.select_for_update().get(id=endpoint_id)
    endpoint.consecutive_failures += 1
    disable = endpoint.active and (
        endpoint.consecutive_failures >= get_settings().webhook_disable_after
    )
    if disable:
        endpoint.active, endpoint.disabled_at = False, datetime.now(UTC)
    await endpoint.save(update_fields=["consecutive_failures", "active", "disabled_at"])
    if not disable or endpoint.disabled_at is None:
        return
    owner = await Member.get_or_none(id=endpoint.owner_id) if endpoint.owner_id else None
    if owner is not None and owner.email:
        with use_locale(await recipient_locale(owner)):
            await queue_email(
                to=owner.email,
                subject=gettext("A webhook endpoint was disabled"),
                text=gettext(
                    "Deliveries to {url} failed {count} times in a row, each after all its "
                    "retries, so it has been disabled. Fix it, then switch it on again.",
                    url=endpoint.url,
                    count=endpoint.consecutive_failures,
                ),
                key=f"webhook-disabled:{endpoint.id}:{endpoint.disabled_at.timestamp():.0f}",
            )


def _subscriber(event: str) -> Any:
    async def forward(**payload: Any) -> None:
        found = await payloads.event_data(event, payload)
        if found is not None:
            hub_id, data = found
            # The event's own key (database ids): the message id, so the same on every retry.
            key = ":".join(f"{k}={payload[k]}" for k in sorted(payload))
            await fan_out(event, data, hub_id=hub_id, key=key)

    forward.__qualname__ = f"forward_{event.replace('.', '_')}"
    return subscribe(event)(forward)


for _event in EVENT_TYPES:
    _subscriber(_event)
