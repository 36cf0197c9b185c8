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
from app.integrations import urls
from app.integrations.errors import IntegrationErrorCode as E
from app.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.jobs.queue import TransientJobError
from app.jobs.registry import job
from app.jobs.runner import final_attempt
from app.mail.service import queue_email
from app.people.models import Member, Role

EVENT_TYPES = (
    "opportunity.published",
    "opportunity.cancelled",
    "application.accepted",
    "application.declined",
    "hours.verified",
)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _event_types(values: list[str]) -> list[str]:
    unknown = sorted(set(values) - set(EVENT_TYPES))
    if unknown or not values:
        raise DomainError(
            E.UNKNOWN_EVENT, f"Known event types: {', '.join(EVENT_TYPES)}.", "eventTypes"
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
        raise DomainError(E.NOT_FOUND, "No such webhook endpoint.", "endpointId")
    return endpoint


async def rotate_secret(*, actor: Actor, endpoint_id: int) -> WebhookEndpoint:
    """A new secret; deliveries are signed with both for a day so receivers can switch."""
    endpoint = await _endpoint(actor, endpoint_id)
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
    """Switches an endpoint on (resetting its failure count) or off."""
    endpoint = await _endpoint(actor, endpoint_id)
    endpoint.active, endpoint.consecutive_failures = active, 0
    endpoint.disabled_at = None if active else datetime.now(UTC)
    await endpoint.save(update_fields=["active", "consecutive_failures", "disabled_at"])
    return endpoint


async def fan_out(event: str, payload: dict[str, Any], *, hub_id: int, key: str) -> int:
    """One delivery per active endpoint that wants the event (once per event key)."""
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
                    "data": payload,
                },
            },
        )
        # Keyed, so a retry of this fan-out after a partial failure (the delivery stored, its
        # job not) queues the missing job and never a second one.
        if await jobs.enqueue(
            "webhook.deliver", {"delivery_id": delivery.id}, key=f"webhook.deliver:{delivery.id}"
        ):
            queued += 1
    return queued


def _sign(endpoint: WebhookEndpoint, message_id: str, when: datetime, body: str) -> str:
    signatures = [Webhook(endpoint.secret).sign(message_id, when, body)]
    rotated = endpoint.rotated_at
    if endpoint.previous_secret and rotated and (when - rotated).total_seconds() < 86_400:
        signatures.append(Webhook(endpoint.previous_secret).sign(message_id, when, body))
    return " ".join(signatures)


@job("webhook.deliver")
async def deliver(*, delivery_id: int) -> None:
    """POSTs one delivery; a failure is retried by the job runner on its schedule (after 5, 10,
    20 and 40 s with the default settings), then the delivery is marked failed."""
    delivery = await WebhookDelivery.get(id=delivery_id)
    endpoint = await WebhookEndpoint.get(id=delivery.endpoint_id)
    if delivery.status != DeliveryStatus.PENDING or not endpoint.active:
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
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, datetime.now(UTC)
        await WebhookEndpoint.filter(id=endpoint.id).update(consecutive_failures=0)
    elif _last_try(delivery):
        delivery.status = DeliveryStatus.FAILED
        await _count_failure(endpoint)
    await delivery.save()
    if not ok and delivery.status == DeliveryStatus.PENDING:
        raise TransientJobError(delivery.last_error)


def _last_try(delivery: WebhookDelivery) -> bool:
    """No retry follows: the job runner's last attempt (jobs retry on the schedule of
    app/jobs/schedule.py: CH_JOB_RETRY_BASE_SECONDS, doubling, CH_JOB_MAX_TRIES attempts)."""
    final = final_attempt()
    return final if final is not None else delivery.attempts >= get_settings().job_max_tries


async def _count_failure(endpoint: WebhookEndpoint) -> None:
    endpoint.consecutive_failures += 1
    if endpoint.consecutive_failures >= get_settings().webhook_disable_after and endpoint.active:
        endpoint.active, endpoint.disabled_at = False, datetime.now(UTC)
        owner = await Member.get_or_none(id=endpoint.owner_id) if endpoint.owner_id else None
        if owner is not None and owner.email:
            await queue_email(
                to=owner.email,
                subject="A webhook endpoint was disabled",
                text=f"Deliveries to {endpoint.url} failed {endpoint.consecutive_failures} times "
                "in a row, so it has been disabled. Fix it, then switch it on again.",
                key=f"webhook-disabled:{endpoint.id}:{endpoint.disabled_at.timestamp():.0f}",
            )
    await endpoint.save(update_fields=["consecutive_failures", "active", "disabled_at"])


def _subscriber(event: str) -> Any:
    async def forward(**payload: Any) -> None:
        hub_id = await _hub_of(event, payload)
        if hub_id is not None:
            key = ":".join(f"{k}={payload[k]}" for k in sorted(payload))
            await fan_out(event, payload, hub_id=hub_id, key=key)

    forward.__qualname__ = f"forward_{event.replace('.', '_')}"
    return subscribe(event)(forward)


async def _hub_of(event: str, payload: dict[str, Any]) -> int | None:
    from app.opportunities.models import Application, Opportunity
    from app.portfolios.models import HoursRecord

    if "hub_id" in payload:
        return int(payload["hub_id"])
    row: Any
    if "opportunity_id" in payload:
        row = await Opportunity.get_or_none(id=payload["opportunity_id"])
    elif "application_id" in payload:
        row = await Application.get_or_none(id=payload["application_id"])
    elif "hours_record_id" in payload:
        row = await HoursRecord.get_or_none(id=payload["hours_record_id"])
    else:
        return None
    return row.hub_id if row else None


for _event in EVENT_TYPES:
    _subscriber(_event)
