"""End to end: publish through GraphQL, a real worker matches, and a websocket client on a
second API process receives notificationAdded (fanned out through Redis pub/sub)."""

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
import websockets
from standardwebhooks.webhooks import Webhook
from websockets.typing import Subprotocol

from app.people import profile
from app.people.models import Role
from schema.relay import encode_id
from tests.clients.live import serve, until_listening
from tests.opportunities.conftest import MANCHESTER, SALFORD, actor_of

CREATE_HOOK = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret errors { code } } }"""
SUBSCRIBE = "subscription { notificationAdded { title reason opportunity { title } } }"


@pytest.fixture
def second_api() -> Iterator[str]:
    """Another `communityhub serve` process on the test database and Redis prefix."""
    with serve() as api:
        yield f"{api.host}:{api.port}"


async def _ws(address: str, token: str | None) -> Any:
    ws = await websockets.connect(
        f"ws://{address}/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
    )
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return ws


async def test_notification_reaches_a_subscriber_on_another_process(
    gql: Any,
    alice: Any,
    make_person: Any,
    post: Any,
    run_jobs: Any,
    second_api: str,
    receiver: Any,
) -> None:
    # given: a third party's webhook for published opportunities
    admin = await make_person(roles=[Role.HUB_ADMIN])
    hook = await gql(
        CREATE_HOOK,
        {"input": {"url": receiver.url, "eventTypes": ["opportunity.published"]}},
        as_=admin,
    )
    secret = hook["createWebhookEndpoint"]["secret"]
    # and bob lives 3 km from the place and listens on the other API process
    bob = await make_person(display_name="Bob")
    await profile.update_profile(actor=actor_of(bob), changes={"home": SALFORD})
    ws = await _ws(second_api, bob.token)
    await until_listening(bob.member.id)  # the subscription is registered with Redis
    draft = await post(alice, location=MANCHESTER, title="Move chairs", publish=False)
    # when: alice publishes through GraphQL and the worker runs
    data = await gql(
        """mutation($input: PublishOpportunityInput!) { publishOpportunity(input: $input) { errors { code } } }""",
        {"input": {"opportunityId": str(encode_id("Opportunity", draft.id))}},
        as_=alice,
    )
    assert data["publishOpportunity"]["errors"] == []
    await run_jobs()
    await run_jobs()
    # then: bob hears it live on the other process
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "next"
    assert message["payload"]["data"]["notificationAdded"] == {
        "title": "Move chairs",
        "reason": "3.1 km away",
        "opportunity": {"title": "Move chairs"},
    }
    await ws.close()
    # and the webhook receiver got it, signed: verified with the standardwebhooks library
    [(headers, body)] = receiver.requests
    # about the opportunity by the global ID node(id:) takes
    about = Webhook(secret).verify(body, headers)["data"]["opportunity"]
    assert (about["id"], about["title"]) == (str(encode_id("Opportunity", draft.id)), "Move chairs")


async def test_a_subscription_without_a_valid_token_is_refused(second_api: str) -> None:
    for token in (None, "cha_not-a-real-token"):
        ws = await _ws(second_api, token)
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED", message
        await ws.close()
