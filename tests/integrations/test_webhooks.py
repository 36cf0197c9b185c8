"""Webhooks: signed per Standard Webhooks, with global IDs and a snapshot of the object, retried
on the Standard Webhooks schedule, logged, disabled when they keep failing."""

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from standardwebhooks.webhooks import Webhook
from tortoise.transactions import in_transaction

from app import jobs
from app.config import get_settings
from app.ids import global_id
from app.integrations import webhooks
from app.integrations.models import WebhookDelivery, WebhookEndpoint
from app.jobs import schedule
from app.jobs.models import JobStatus, OutboxJob
from app.opportunities import applications, geo, service
from app.opportunities.models import Category
from app.people.models import Role
from app.portfolios import hours
from app.portfolios.models import HoursRecord
from tests.helpers import read_mail
from tests.jobs.fakes import install_fakes
from tests.opportunities.conftest import actor_of

README = (Path(__file__).parents[2] / "README.md").read_text()
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
# What must never leave in a webhook (set on the objects the events are about).
PRIVATE = {
    "address": "12 Quiet Lane",
    "contact_details": "Ring 07700 900123",
    "message": "my private note to the poster",
    "note": "my hours note",
}

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
    opportunity = await post(
        alice,
        title="Deliver food parcels",
        address=PRIVATE["address"],
        contact_details=PRIVATE["contact_details"],
    )
    await run_jobs()
    await run_jobs()
    # then: one request, verified with the standardwebhooks library, about the opportunity by
    # its global ID, with its public snapshot and nothing private
    [(headers, body)] = receiver.requests
    event = Webhook(created["secret"]).verify(body, headers)
    assert event["type"] == "opportunity.published"
    category = await Category.get(id=opportunity.category_id)
    assert event["data"] == {
        "opportunity": {
            "id": global_id("Opportunity", opportunity.id),
            "kind": "REQUEST",
            "status": "PUBLISHED",
            "title": "Deliver food parcels",
            "category": category.slug,
            "areaCell": geo.public_cell(opportunity.cell8),
            "startsAt": opportunity.starts_at.isoformat(),
        }
    }
    assert event["data"]["opportunity"]["areaCell"] is not None
    _nothing_private(body)
    log = (await gql(LOG, as_=admin))["webhookEndpoints"]["edges"][0]["node"]
    assert log["deliveries"]["edges"][0]["node"] == {
        "eventType": "opportunity.published",
        "status": "SUCCEEDED",
        "attempts": 1,
        "lastStatusCode": 200,
    }


def _nothing_private(body: bytes) -> None:
    text = body.decode()
    leaked = [k for k, v in PRIVATE.items() if v in text]
    assert leaked == [] and "@" not in text and '"lat"' not in text, text


def _documented() -> dict[str, tuple[str, list[str]]]:
    """The README's webhook table: event type -> (data key, field names)."""
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| [^|]+ \| `(\w+)`: ([^|]+) \|$", README, re.M)
    return {
        event: (key, re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", fields)))
        for event, key, fields in rows
    }


async def test_every_event_names_its_objects_by_global_ids_a_hub_admin_resolves(
    gql: Any,
    hub: Any,
    alice: Any,
    make_person: Any,
    post: Any,
    engage: Any,
    logged: Any,
    run_jobs: Any,
    receiver: Receiver,
) -> None:
    # given: an endpoint for every event type
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob = await make_person(display_name="Bob")
    created = await _endpoint(gql, admin, receiver.url, list(webhooks.EVENT_TYPES))
    private = {"address": PRIVATE["address"], "contact_details": PRIVATE["contact_details"]}
    # when: each event happens (published twice, accepted, declined, verified, cancelled)
    _, accepted = await engage(alice, bob, title="Garden day", **private)
    record = await logged(bob, accepted)
    await HoursRecord.filter(id=record.id).update(note=PRIVATE["note"])
    await hours.verify_hours(actor=actor_of(alice), record_id=record.id)
    other = await post(alice, title="Sorting donations", **private)
    declined = await applications.apply(
        actor=actor_of(bob), opportunity_id=other.id, message=PRIVATE["message"]
    )
    await applications.decline(actor=actor_of(alice), application_id=declined.id)
    await service.cancel_opportunity(actor=actor_of(alice), opportunity_id=other.id)
    await run_jobs()
    await run_jobs()
    # then: every request verifies with the standardwebhooks library, once per event
    events = [
        Webhook(created["secret"]).verify(body, headers) for headers, body in receiver.requests
    ]
    for _, body in receiver.requests:
        _nothing_private(body)
    assert sorted(e["type"] for e in events) == sorted(
        ["opportunity.published"] * 2
        + ["application.accepted", "application.declined", "hours.verified"]
        + ["opportunity.cancelled"]
    )
    # then: each carries what the README's table says, no more and no less
    documented = _documented()
    assert set(documented) == set(webhooks.EVENT_TYPES)
    for event in events:
        key, fields = documented[event["type"]]
        assert list(event["data"]) == [key], event
        assert sorted(event["data"][key]) == sorted(fields), event
    # then: about the right rows, by global ID
    data = {e["type"]: e["data"] for e in events}
    assert data["application.declined"]["application"]["id"] == global_id(
        "Application", declined.id
    )
    assert data["application.declined"]["application"]["status"] == "DECLINED"
    assert data["opportunity.cancelled"]["opportunity"]["status"] == "CANCELLED"
    assert data["hours.verified"]["hoursRecord"] == {
        "id": global_id("HoursRecord", record.id),
        "status": "VERIFIED",
        "minutes": 60,
        "workedOn": record.worked_on.isoformat(),
        "opportunityId": global_id("Opportunity", accepted.opportunity_id),
        "volunteerId": global_id("Member", bob.member.id),
    }
    # then: every ID in them resolves through node(id:) for a hub admin, to its type
    types = {"opportunity": "Opportunity", "application": "Application"}
    types |= {"hoursRecord": "HoursRecord", "opportunityId": "Opportunity"}
    types |= {"applicantId": "Member", "volunteerId": "Member"}
    resolved = 0
    for event in events:
        [(key, snapshot)] = event["data"].items()
        for name, value in snapshot.items():
            if name == "id" or name.endswith("Id"):
                node = (await gql(NODE, {"id": value}, as_=admin))["node"]
                assert node == {"__typename": types[key if name == "id" else name], "id": value}
                resolved += 1
    assert resolved == 12


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
    # then: each delivery tried on the whole schedule (8 attempts), then failed
    tries = schedule.max_tries(schedule.WEBHOOK_DELIVERY_JOB)
    deliveries = await WebhookDelivery.filter(hub_id=admin.member.hub_id).order_by("id")
    assert tries == 8
    assert [(d.status, d.attempts) for d in deliveries] == [("failed", tries)] * 2
    assert len({d.message_id for d in deliveries}) == 2
    assert len(receiver.requests) == 2 * tries
    assert len({h["webhook-id"] for h, _ in receiver.requests}) == 2
    endpoint = await WebhookEndpoint.get(hub_id=admin.member.hub_id)
    assert endpoint.active is False and endpoint.disabled_at is not None
    await run_jobs()
    assert len(read_mail(admin.email, "A webhook endpoint was disabled")) == 1
    # a disabled endpoint gets nothing more
    await post(alice, title="Third listing")
    await run_jobs()
    await run_jobs()
    assert len(receiver.requests) == 2 * tries


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
    cancelled = orjson.loads(body)["data"]["opportunity"]
    assert (cancelled["id"], cancelled["status"]) == (
        global_id("Opportunity", opportunity.id),
        "CANCELLED",
    )


async def test_retries_follow_the_one_schedule_then_the_delivery_fails(
    gql: Any,
    make_person: Any,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: the default schedule (README: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later),
    # an endpoint answering 500
    fake_clock, fake_queue = install_fakes(monkeypatch)
    monkeypatch.setattr(get_settings(), "webhook_retry_seconds", None)
    receiver.status = 500
    admin = await make_person(roles=[Role.HUB_ADMIN])
    await _endpoint(gql, admin, receiver.url)
    job_id = await _fanned_out(admin, "k")
    # when: the first attempt runs, then the workers and the sweep keep going as time passes
    attempts = [fake_clock.now()]
    assert await fake_queue.run_due(job_id) == ["retry"]
    while (row := await OutboxJob.get(id=job_id)).status == JobStatus.PENDING:
        assert row.run_after is not None
        waiting = (row.run_after - fake_clock.now()).total_seconds()
        for before in (waiting / 2, 1):  # the sweep runs meanwhile: nothing before its time
            fake_clock.at(row.run_after - timedelta(seconds=before))
            await jobs.sweep()
            assert await fake_queue.run_due(job_id) == []
        attempts.append(fake_clock.at(row.run_after))
        await fake_queue.run_due(job_id)
    # then: one attempt at each planned time, then the delivery is marked failed
    delays = [(b - a).total_seconds() for a, b in itertools.pairwise(attempts)]
    assert delays == schedule.retry_delays(job="webhook.deliver")
    assert delays == [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000]
    assert (attempts[-1] - attempts[0]) == timedelta(hours=27, minutes=35, seconds=5)
    delivery = await WebhookDelivery.get(hub_id=admin.member.hub_id)
    assert (delivery.status, delivery.attempts) == ("failed", 8)
    assert len(receiver.requests) == 8
    assert len({h["webhook-id"] for h, _ in receiver.requests}) == 1
    # then: each retry's queue entry was deferred to its planned time (the outbox row's), one
    # per attempt: the sweep never queued a second chain
    wakeups = [w.run_after for w in fake_queue.pushed if w.job_id == job_id]
    assert wakeups == [None, *attempts[1:]]


async def _fanned_out(admin: Any, key: str) -> int:
    """One delivery of an opportunity.published to every endpoint; its job's id."""
    async with jobs.collecting() as ids, in_transaction():
        await webhooks.fan_out(
            "opportunity.published",
            {"opportunity": {"id": global_id("Opportunity", 1)}},
            hub_id=admin.member.hub_id,
            key=key,
        )
    await jobs.relay_collected(ids)
    [job_id] = ids
    return job_id


async def test_an_endpoint_disabled_meanwhile_gets_no_more_attempts(
    gql: Any,
    make_person: Any,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: an endpoint disabled after one failed delivery, two deliveries to it
    _, fake_queue = install_fakes(monkeypatch)
    monkeypatch.setattr(get_settings(), "webhook_disable_after", 1)
    receiver.status = 500
    admin = await make_person(roles=[Role.HUB_ADMIN])
    await _endpoint(gql, admin, receiver.url)
    first, second = await _fanned_out(admin, "first"), await _fanned_out(admin, "second")
    # when: the second's first attempt fails; the first fails every attempt, which disables
    # the endpoint (and tells its owner)
    assert await fake_queue.run_due(second) == ["retry"]
    while (await OutboxJob.get(id=first)).status == JobStatus.PENDING:
        await fake_queue.run_due(first)
    endpoint = await WebhookEndpoint.get(hub_id=admin.member.hub_id)
    assert (endpoint.active, endpoint.consecutive_failures) == (False, 1)
    assert await OutboxJob.filter(key__startswith=f"webhook-disabled:{endpoint.id}:").count() == 1
    # when: the second's next attempt comes
    assert await fake_queue.run_due(second) == ["done"]
    # then: it is not sent, and marked failed
    deliveries = await WebhookDelivery.filter(hub_id=admin.member.hub_id).order_by("id")
    assert [(d.status, d.attempts, d.last_error) for d in deliveries] == [
        ("failed", 8, "HTTP 500"),
        ("failed", 1, "endpoint disabled"),
    ]
    assert len(receiver.requests) == 9
