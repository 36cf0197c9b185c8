"""Apollo Client 4's PersistedQueryLink (createPersistedQueryLink, GET for hashed queries) and
HttpLink under Node, against a live `communityhub serve`: automatic persisted queries and a
hub's trusted documents, registered with `communityhub register-documents`."""

import asyncio
import json
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from app.people.models import Role
from tests.clients.live import LiveAPI, run_node


def _unique(name: str) -> str:
    """A query nobody has sent before in this Redis (its hash is new)."""
    return f"query {name}_{uuid.uuid4().hex}($slug: String!) {{ hub(slug: $slug) {{ name }} }}"


def _codes(response_text: str) -> list[str]:
    return [e["extensions"]["code"] for e in json.loads(response_text).get("errors", [])]


async def test_persisted_query_link_not_found_then_registered_then_hit(
    node: str, live_api: LiveAPI, hub: Any
) -> None:
    # given: a query the server has never seen
    step = {
        "client": "app",
        "hash": "sha256",
        "query": _unique("HubName"),
        "variables": {"slug": hub.slug},
    }
    # when: the app runs it twice
    first, second = await run_node(
        node, "apq.mjs", {"url": live_api.graphql, "steps": [step, step]}
    )
    # then: the first time, the hash alone by GET is not found, so the link sends it again by
    # POST with the document, which runs and is remembered
    assert first["error"] is None and first["data"]["hub"]["name"] == hub.name
    not_found, registered = first["requests"]
    assert not_found["method"] == "GET" and not_found["status"] == 200
    params = parse_qs(urlsplit(not_found["url"]).query)
    assert "query" not in params
    assert json.loads(params["extensions"][0])["persistedQuery"]["version"] == 1
    assert json.loads(not_found["response"]) == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert registered["method"] == "POST" and registered["status"] == 200
    assert "query" in json.loads(registered["body"])
    # and the second time the hash alone by GET runs it (a CDN can cache this URL)
    assert second["error"] is None and second["data"] == first["data"]
    [hit] = second["requests"]
    assert hit["method"] == "GET" and hit["status"] == 200
    assert "query" not in parse_qs(urlsplit(hit["url"]).query)
    assert json.loads(hit["response"])["data"]["hub"]["name"] == hub.name


async def test_a_document_that_does_not_match_its_hash_is_refused(
    node: str, live_api: LiveAPI, hub: Any
) -> None:
    # given: a link whose hash is not the document's SHA-256
    step = {
        "client": "bad",
        "hash": "wrong",
        "query": _unique("Wrong"),
        "variables": {"slug": hub.slug},
    }
    # when
    [outcome] = await run_node(node, "apq.mjs", {"url": live_api.graphql, "steps": [step]})
    # then: the document sent with that hash is refused with 400, and nothing answered data
    not_found, refused = outcome["requests"]
    assert _codes(not_found["response"]) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert refused["method"] == "POST" and refused["status"] == 400
    assert _codes(refused["response"]) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert "data" not in json.loads(refused["response"])
    assert outcome["data"] is None
    assert outcome["error"]["codes"] == ["PERSISTED_QUERY_HASH_MISMATCH"]
    # and the hash was not remembered for that document
    [again] = await run_node(node, "apq.mjs", {"url": live_api.graphql, "steps": [step]})
    assert _codes(again["requests"][0]["response"]) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_a_hub_with_trusted_documents_runs_only_those_registered(
    node: str, live_api: LiveAPI, hub: Any, make_person: Any, tmp_path: Path
) -> None:
    # given: the app's manifest, as Apollo's tooling makes it, registered from the command line
    trusted, other = _unique("Trusted"), _unique("Other")
    manifest = await run_node(node, "apq.mjs", {"manifest": [trusted]})
    path = tmp_path / "persisted-query-manifest.json"
    path.write_text(json.dumps(manifest))
    command = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "app", "register-documents", str(path), "--hub", hub.slug],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(command.communicate(), 60)
    assert command.returncode == 0, err.decode()
    assert "1 documents added" in out.decode()
    # and a hub admin turns trusted documents on
    admin = await make_person(roles=[Role.HUB_ADMIN])
    async with httpx.AsyncClient() as http:
        response = await http.post(
            live_api.graphql,
            json={
                "query": "mutation { updateHub(input: {trustedDocumentsOnly: true}) { hub { trustedDocumentsOnly } errors { code } } }"
            },
            headers=admin.headers,
        )
    assert response.json()["data"]["updateHub"] == {
        "hub": {"trustedDocumentsOnly": True},
        "errors": [],
    }
    # when: the app sends the registered query and another one
    steps = [
        {"client": "app", "hash": "sha256", "query": q, "variables": {"slug": hub.slug}}
        for q in (trusted, other)
    ]
    spec = {"url": live_api.graphql, "headers": {"CH-Hub": hub.slug}, "steps": steps}
    registered, refused = await run_node(node, "apq.mjs", spec)
    # then: the registered one runs by its hash at the first GET
    assert registered["error"] is None and registered["data"]["hub"]["name"] == hub.name
    assert [r["method"] for r in registered["requests"]] == ["GET"]
    # and the other is refused with a clear code, the link not sending it again
    assert refused["data"] is None
    assert refused["error"]["codes"] == ["PERSISTED_QUERY_NOT_IN_LIST"]
    [request] = refused["requests"]
    assert request["status"] == 400
