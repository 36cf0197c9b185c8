"""The `graphql-ws` npm client (v6, what Apollo's GraphQLWsLink uses), with `ws` under Node,
receives notificationAdded on one `communityhub serve` process for an opportunity published
through another (fanned out through Redis pub/sub by a real arq worker).

It refuses binary frames ("Message is missing the 'type' property", close 4004), which the
server used to send; Python's websockets accepts both, so only this client proves it.
"""

import asyncio
import json
from typing import Any
from unittest.mock import ANY

import httpx

from app.people import profile
from schema.relay import encode_id
from tests.clients.live import NODE_DIR, LiveAPI, until_listening
from tests.opportunities.conftest import MANCHESTER, SALFORD, actor_of, category, post  # noqa: F401

SUBSCRIBE = "subscription { notificationAdded { title reason opportunity { title } } }"
PUBLISH = """mutation($input: PublishOpportunityInput!) { publishOpportunity(input: $input) { errors { code } } }"""


async def test_graphql_ws_client_receives_a_notification_published_through_another_process(
    node: str,
    live_apis: tuple[LiveAPI, LiveAPI],
    alice: Any,
    make_person: Any,
    post: Any,  # noqa: F811
    run_jobs: Any,
) -> None:
    first, second = live_apis
    # given: bob lives 3 km from the place, subscribed through graphql-ws on the second process
    bob = await make_person(display_name="Bob")
    await profile.update_profile(actor=actor_of(bob), changes={"home": SALFORD})
    draft = await post(alice, location=MANCHESTER, title="Move chairs", publish=False)
    client = await asyncio.create_subprocess_exec(
        node,
        "subscribe.mjs",
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert client.stdin is not None and client.stdout is not None
    spec = {"url": second.websocket, "token": bob.token, "query": SUBSCRIBE, "timeoutMs": 15000}
    client.stdin.write(json.dumps(spec).encode())
    client.stdin.close()
    try:
        connected = json.loads(await asyncio.wait_for(client.stdout.readline(), 15))
        assert connected == {"event": "connected"}
        await until_listening(bob.member.id)
        # when: alice publishes through the first process, and a worker matches
        async with httpx.AsyncClient() as http:
            response = await http.post(
                first.graphql,
                json={
                    "query": PUBLISH,
                    "variables": {
                        "input": {"opportunityId": str(encode_id("Opportunity", draft.id))}
                    },
                },
                headers=alice.headers,
            )
        assert response.json() == {
            "data": {"publishOpportunity": {"errors": []}},
            "extensions": {"cost": ANY},
        }
        await run_jobs()
        await run_jobs()
        # then: the client got it, and nothing closed the socket before it was done
        done = json.loads(await asyncio.wait_for(client.stdout.readline(), 15))
    finally:
        if client.returncode is None:
            client.kill()
        await client.wait()
    assert done["errors"] == [], done
    assert done["results"] == [
        {
            "data": {
                "notificationAdded": {
                    "title": "Move chairs",
                    "reason": "3.1 km away",
                    "opportunity": {"title": "Move chairs"},
                }
            }
        }
    ]
    assert done["closed"] in (None, {"code": 1000, "reason": "Normal Closure"}), done
