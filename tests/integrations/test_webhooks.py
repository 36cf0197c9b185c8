"""Webhooks: signed per Standard Webhooks, retried, logged, disabled when they keep failing."""

import asyncio
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import orjson
import pytest
from standardwebhooks.webhooks import Webhook
from tortoise.transactions import in_transaction

from app import jobs
from app.config import get_settings
from app.integrations import webhooks
from app.integrations.models import WebhookDelivery, WebhookEndpoint
from app.jobs import schedule
from app.jobs.models import JobStatus, OutboxJob
from app.opportunities import service
from app.people.models import Role
from tests.helpers import read_mail
from tests.jobs.fakes import install_fakes
from tests.opportunities.conftest import actor_of

CREATE = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { id active eventTypes } secret errors { code field message } } }"""
ROTATE = """mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret errors { code } } }"""
LOG = """{ webhookEndpoints(first: 5) { edges { node { active consecutiveFailures
  deliveries(first: 10) { edges { node { eventType status attempts lastStatusCode } } } } } } }"""


@dataclass
class Receiver:
    status: int = 200
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A tiny HTTP server on loopback that records what it is sent."""
    found = Receiver()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")[1:]
        headers = {
            k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        found.requests.append((headers, body))
        writer.write(
            f"HTTP/1.1 {found.status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    found.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks"
    async with server:
        yield found


async def _endpoint(
    gql: Any, admin: Any, url: str, events: list[str] | None = None
) -> dict[str, Any]:
    data = await gql(
        CREATE,
        {"input": {"url": url, "eventTypes": events or ["opportunity.published"]}},
        as_=admin,
    )
    return data["createWebhookEndpoint"]  # type: ignore[no-any-return]


async def test_a_published_opportunity_is_delivered_signed(
    gql: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any, receiver: Receiver
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    created = await _endpoint(gql, admin, receiver.url)
    assert created["errors"] == [] and created["secret"].startswith("whsec_")
    # when
    opportunity = await post(alice, title="Deliver food parcels")
    await run_jobs()
    await run_jobs()
    # then: one request, verified with the standardwebhooks library
    [(headers, body)] = receiver.requests
    event = Webhook(created["secret"]).verify(body, headers)
    assert event["type"] == "opportunity.published"
    assert event["data"] == {"opportunity_id": opportunity.id}
    log = (await gql(LOG, as_=admin))["webhookEndpoints"]["edges"][0]["node"]
    assert log["deliveries"]["edges"][0]["node"] == {
        "eventType": "opportunity.published",
        "status": "SUCCEEDED",
        "attempts": 1,
        "lastStatusCode": 200,
    }


async def test_bad_endpoints_are_refused(gql: Any, alice: Any, make_person: Any) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    cases = [
        ("ftp://example.org/hook", ["opportunity.published"], "INVALID", "url"),
        ("http://user:pw@example.org/hook", ["opportunity.published"], "INVALID", "url"),
        ("http://10.1.2.3/hook", ["opportunity.published"], "UNSAFE_URL", "url"),
        ("http://169.254.169.254/latest", ["opportunity.published"], "UNSAFE_URL", "url"),
        ("http://127.0.0.1:9/hook", ["badge.invented"], "UNKNOWN_EVENT", "eventTypes"),
    ]
    for url, events, code, field_name in cases:
        errors = (await _endpoint(gql, admin, url, events))["errors"]
        assert (errors[0]["code"], errors[0]["field"]) == (code, field_name), url
    refused = (await _endpoint(gql, alice, "http://127.0.0.1:9/hook"))["errors"]
    assert refused[0]["code"] == "FORBIDDEN"
    assert await WebhookEndpoint.filter(hub_id=admin.member.hub_id).count() == 0


async def test_failures_are_retried_then_the_endpoint_is_disabled_and_its_owner_told(
    gql: Any,
    alice: Any,
    make_person: Any,
    post: Any,
    run_jobs: Any,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "webhook_disable_after", 2)
    receiver.status = 500
    admin = await make_person(roles=[Role.HUB_ADMIN])
    await _endpoint(gql, admin, receiver.url)
    for title in ("First listing", "Second listing"):
        await post(alice, title=title)
        for _ in range(3):
            await run_jobs()
    deliveries = await WebhookDelivery.filter(hub_id=admin.member.hub_id).order_by("id")
    assert [(d.status, d.attempts) for d in deliveries] == [("failed", 5), ("failed", 5)]
    assert len({d.message_id for d in deliveries}) == 2
    assert (
        len(receiver.requests) == 10 and len({h["webhook-id"] for h, _ in receiver.requests}) == 2
    )
    endpoint = await WebhookEndpoint.get(hub_id=admin.member.hub_id)
    assert endpoint.active is False and endpoint.disabled_at is not None
    await run_jobs()
    assert len(read_mail(admin.email, "A webhook endpoint was disabled")) == 1
    # a disabled endpoint gets nothing more
    await post(alice, title="Third listing")
    await run_jobs()
    await run_jobs()
    assert len(receiver.requests) == 10


async def test_rotation_signs_with_both_secrets_for_a_day(
    gql: Any, alice: Any, make_person: Any, post: Any, run_jobs: Any, receiver: Receiver
) -> None:
    admin = await make_person(roles=[Role.HUB_ADMIN])
    created = await _endpoint(gql, admin, receiver.url, ["opportunity.cancelled"])
    rotated = await gql(ROTATE, {"input": {"endpointId": created["endpoint"]["id"]}}, as_=admin)
    new_secret = rotated["rotateWebhookSecret"]["secret"]
    assert new_secret != created["secret"]
    opportunity = await post(alice)
    await service.cancel_opportunity(actor=actor_of(alice), opportunity_id=opportunity.id)
    await run_jobs()
    await run_jobs()
    [(headers, body)] = receiver.requests
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (created["secret"], new_secret):
        assert Webhook(secret).verify(body, headers)["type"] == "opportunity.cancelled"
    assert orjson.loads(body)["data"] == {"opportunity_id": opportunity.id}


async def test_retries_follow_the_one_schedule_then_the_delivery_fails(
    gql: Any,
    make_person: Any,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the default schedule (README: after 5, 10, 20 and 40 s), an endpoint answering 500
    fake_clock, fake_queue = install_fakes(monkeypatch)
    monkeypatch.setattr(get_settings(), "job_retry_base_seconds", 5.0)
    receiver.status = 500
    admin = await make_person(roles=[Role.HUB_ADMIN])
    await _endpoint(gql, admin, receiver.url)
    async with jobs.collecting() as ids, in_transaction():
        await webhooks.fan_out(
            "opportunity.published", {"opportunity_id": 1}, hub_id=admin.member.hub_id, key="k"
        )
    await jobs.relay_collected(ids)
    [job_id] = ids
    # when: the first attempt runs, then the workers and the sweep keep going as time passes
    attempts = [fake_clock.now()]
    assert await fake_queue.run_due(job_id) == ["retry"]
    while (row := await OutboxJob.get(id=job_id)).status == JobStatus.PENDING:
        assert row.run_after is not None
        fake_clock.at(row.run_after - timedelta(seconds=1))
        await jobs.sweep()
        assert await fake_queue.run_due(job_id) == []  # nothing before its time
        attempts.append(fake_clock.at(row.run_after))
        await fake_queue.run_due(job_id)
    # then: one attempt at each planned time, then the delivery is marked failed
    delays = [(b - a).total_seconds() for a, b in itertools.pairwise(attempts)]
    assert delays == schedule.retry_delays() == [5, 10, 20, 40]
    delivery = await WebhookDelivery.get(hub_id=admin.member.hub_id)
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert len(receiver.requests) == 5
    assert len({h["webhook-id"] for h, _ in receiver.requests}) == 1
