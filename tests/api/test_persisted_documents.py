"""Automatic persisted queries (Apollo's protocol) and a hub's trusted documents, over HTTP.

Apollo's own PersistedQueryLink runs against a live server in tests/clients; these cover the
server's side of each rule."""

import hashlib
import json
import uuid
from typing import Any
from unittest.mock import ANY

import pytest
import redis.asyncio as aioredis
from typer.testing import CliRunner

from app.auth import cache as auth_cache
from app.cli import cli
from app.config import get_settings
from app.hubs import documents as trusted
from app.hubs.models import Hub
from app.people.models import Role
from schema import documents

NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fresh(body: str = "{ __typename }") -> str:
    """A document nobody has sent before (a comment changes its hash, not its meaning)."""
    return f"# {uuid.uuid4().hex}\n{body}"


def _ext(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def _codes(response: Any) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", "application/graphql-response+json"]
)
async def test_a_hash_only_get_the_server_does_not_know_is_persisted_query_not_found(
    http: Any, accept: str | None
) -> None:
    # when
    headers = {"Accept": accept} if accept else {}
    params = {"extensions": json.dumps(_ext(_sha(_fresh())))}
    response = await http.get("/graphql", params=params, headers=headers)
    # then: what Apollo's PersistedQueryLink retries on, with 200 whatever the client accepts
    assert response.status_code == 200
    assert response.json() == NOT_FOUND
    assert response.headers["x-request-id"]


async def test_a_document_sent_with_its_hash_is_remembered_and_runs_by_hash_alone(
    http: Any,
) -> None:
    # given
    query = _fresh()
    extensions = json.dumps(_ext(_sha(query)))
    # when
    first = await http.post("/graphql", json={"query": query, "extensions": _ext(_sha(query))})
    by_get = await http.get("/graphql", params={"extensions": extensions})
    by_post = await http.post("/graphql", json={"extensions": _ext(_sha(query))})
    # then
    for response in (first, by_get, by_post):
        assert response.status_code == 200
        assert response.json() == {"data": {"__typename": "Query"}, "extensions": {"cost": ANY}}
    # and it is kept in Redis under the installation's prefix, for a day at most
    client = aioredis.Redis.from_url(get_settings().redis_url)
    try:
        key = f"{get_settings().redis_prefix}:apq:{_sha(query)}"
        assert (await client.get(key)).decode() == query
        assert 0 < await client.ttl(key) <= documents.APQ_TTL_SECONDS
    finally:
        await client.aclose()


async def test_a_mutation_whose_document_does_not_match_its_hash_does_not_run(
    http: Any, hub: Any, make_person: Any
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    mutation = 'mutation { updateHub(input: {name: "Renamed"}) { errors { code } } }'
    # when
    response = await http.post(
        "/graphql",
        json={"query": mutation, "extensions": _ext(_sha(mutation + " "))},
        headers=admin.headers,
    )
    # then
    assert response.status_code == 400
    assert _codes(response) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert "data" not in response.json()
    assert (await Hub.get(id=hub.id)).name == hub.name
    # and the hash was not remembered
    again = await http.post("/graphql", json={"extensions": _ext(_sha(mutation + " "))})
    assert again.json() == NOT_FOUND


async def test_a_persisted_mutation_runs_by_post_but_not_by_get(http: Any) -> None:
    # given: a mutation remembered by POST (it runs, and says why it did nothing)
    mutation = _fresh("mutation { logout { ok } }")
    sent = await http.post("/graphql", json={"query": mutation, "extensions": _ext(_sha(mutation))})
    assert _codes(sent) == ["UNAUTHENTICATED"]
    # when
    by_get = await http.get("/graphql", params={"extensions": json.dumps(_ext(_sha(mutation)))})
    by_post = await http.post("/graphql", json={"extensions": _ext(_sha(mutation))})
    # then: GET stays for queries only
    assert by_get.status_code == 405
    assert _codes(by_post) == ["UNAUTHENTICATED"]


async def test_a_document_that_does_not_validate_is_not_remembered(http: Any) -> None:
    query = _fresh("{ noSuchField }")
    sent = await http.post("/graphql", json={"query": query, "extensions": _ext(_sha(query))})
    assert _codes(sent) == ["GRAPHQL_VALIDATION_FAILED"]
    again = await http.post("/graphql", json={"extensions": _ext(_sha(query))})
    assert again.json() == NOT_FOUND


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": "a" * 64},
        {"version": 1, "sha256Hash": "not a hash"},
        {"version": 1},
        "yes",
    ],
)
async def test_a_malformed_persisted_query_extension_is_a_bad_request(
    http: Any, persisted: Any
) -> None:
    response = await http.post("/graphql", json={"extensions": {"persistedQuery": persisted}})
    assert response.status_code == 400
    assert _codes(response) == ["BAD_REQUEST"]


async def test_the_cache_keeps_at_most_its_maximum_and_forgets_the_oldest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: room for three documents
    monkeypatch.setattr(documents, "APQ_MAX_DOCUMENTS", 3)
    queries = [_fresh() for _ in range(5)]
    # when
    for query in queries:
        await documents.remember(_sha(query), query)
    # then: the newest three are kept
    kept = [
        await documents.resolve(None, _ext(_sha(q)), None, trusted_only=False) for q in queries[2:]
    ]
    assert [k.query for k in kept] == queries[2:]
    for query in queries[:2]:
        with pytest.raises(documents.Refused) as refused:
            await documents.resolve(None, _ext(_sha(query)), None, trusted_only=False)
        assert refused.value.code == "PERSISTED_QUERY_NOT_FOUND"
    # and a document over the size limit is not kept at all
    big = _fresh("{ " + "__typename " * 5_000 + "}")
    assert len(big) > documents.APQ_MAX_DOCUMENT_CHARS
    await documents.remember(_sha(big), big)
    with pytest.raises(documents.Refused):
        await documents.resolve(None, _ext(_sha(big)), None, trusted_only=False)


# Trusted documents


REGISTERED = "query Registered($slug: String!) { hub(slug: $slug) { name } }"


@pytest.fixture
async def trusted_hub(hub: Any) -> Any:
    """A hub that runs only REGISTERED (and updateHub's documents of the test below)."""
    await trusted.register(hub.slug, trusted.read_manifest({_sha(REGISTERED): REGISTERED}))
    await Hub.filter(id=hub.id).update(trusted_documents_only=True)
    trusted.forget(hub.id)
    await auth_cache.forget(hub_id=hub.id)  # signed-in requests read the flag with the token
    return hub


async def test_a_trusted_documents_hub_runs_its_registered_documents_in_full_or_by_hash(
    http: Any, trusted_hub: Any
) -> None:
    headers = {"CH-Hub": trusted_hub.slug}
    variables = {"slug": trusted_hub.slug}
    expected = {"hub": {"name": trusted_hub.name}}
    full = await http.post(
        "/graphql", json={"query": REGISTERED, "variables": variables}, headers=headers
    )
    by_hash = await http.get(
        "/graphql",
        params={
            "extensions": json.dumps(_ext(_sha(REGISTERED))),
            "variables": json.dumps(variables),
        },
        headers=headers,
    )
    assert full.json() == {"data": expected, "extensions": {"cost": ANY}}
    assert by_hash.json() == {"data": expected, "extensions": {"cost": ANY}}


async def test_a_trusted_documents_hub_refuses_any_other_document_and_runs_nothing(
    http: Any, trusted_hub: Any, make_person: Any
) -> None:
    # given: a hub admin of that hub, signed in (the hub comes from the token)
    admin = await make_person(roles=[Role.HUB_ADMIN])
    rename = 'mutation { updateHub(input: {name: "Renamed"}) { errors { code } } }'
    # when: a document that is not registered, in full, with its hash (APQ) or by hash alone
    attempts = [
        {"query": rename},
        {"query": rename, "extensions": _ext(_sha(rename))},
        {"extensions": _ext(_sha(rename))},
    ]
    responses = [await http.post("/graphql", json=a, headers=admin.headers) for a in attempts]
    # then
    for response in responses:
        assert response.status_code == 400
        assert _codes(response) == ["PERSISTED_QUERY_NOT_IN_LIST"]
        assert "register-documents" in response.json()["errors"][0]["message"]
    assert (await Hub.get(id=trusted_hub.id)).name == trusted_hub.name
    # and another hub is not affected
    other = await http.post("/graphql", json={"query": "{ __typename }"})
    assert other.json() == {"data": {"__typename": "Query"}, "extensions": {"cost": ANY}}


async def test_hub_admins_turn_trusted_documents_on_and_off_with_update_hub(
    gql: Any, hub: Any, make_person: Any, http: Any
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    member = await make_person()
    turn_on = (
        "mutation { updateHub(input: {trustedDocumentsOnly: true})"
        " { hub { trustedDocumentsOnly } errors { code } } }"
    )
    # when: a member tries, then an admin
    refused = await gql(turn_on, as_=member)
    # then
    assert refused["updateHub"]["errors"] == [{"code": "FORBIDDEN"}]
    assert (await gql(turn_on, as_=admin))["updateHub"]["hub"] == {"trustedDocumentsOnly": True}
    # and from now on the hub runs only registered documents (updateHub included)
    again = await http.post("/graphql", json={"query": turn_on}, headers=admin.headers)
    assert _codes(again) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    # until an admin sends a registered updateHub to turn it off
    turn_off = "mutation { updateHub(input: {trustedDocumentsOnly: false}) { hub { trustedDocumentsOnly } } }"
    await trusted.register(hub.slug, trusted.read_manifest({_sha(turn_off): turn_off}))
    off = await http.post("/graphql", json={"query": turn_off}, headers=admin.headers)
    assert off.json() == {
        "data": {"updateHub": {"hub": {"trustedDocumentsOnly": False}}},
        "extensions": {"cost": ANY},
    }


async def test_a_hub_registered_documents_run_by_hash_without_the_apq_round_trip(
    http: Any, hub: Any
) -> None:
    # given: a hub that registered a document but does not require them
    query = _fresh("{ __typename }")
    await trusted.register(hub.slug, trusted.read_manifest({_sha(query): query}))
    # when
    response = await http.post(
        "/graphql", json={"extensions": _ext(_sha(query))}, headers={"CH-Hub": hub.slug}
    )
    # then
    assert response.json() == {"data": {"__typename": "Query"}, "extensions": {"cost": ANY}}


def test_manifests_of_apollo_and_relay_are_read_and_every_id_is_checked() -> None:
    apollo = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [
            {"id": _sha(REGISTERED), "name": "Registered", "type": "query", "body": REGISTERED}
        ],
    }
    [document] = trusted.read_manifest(apollo)
    assert (document.sha256, document.name, document.body) == (
        _sha(REGISTERED),
        "Registered",
        REGISTERED,
    )
    assert trusted.read_manifest({_sha(REGISTERED): REGISTERED}) == [
        trusted.Document(_sha(REGISTERED), None, REGISTERED)
    ]
    md5 = hashlib.md5(REGISTERED.encode()).hexdigest()  # Relay's default algorithm
    for bad, why in [
        ({md5: REGISTERED}, "SHA-256"),
        ({_sha("{"): "{"}, "not a GraphQL document"),
        ({"format": "apollo-persisted-query-manifest", "version": 2, "operations": []}, "format"),
        ({}, "no documents"),
        ([], "JSON object"),
    ]:
        with pytest.raises(trusted.ManifestError, match=why):
            trusted.read_manifest(bad)


def test_register_documents_refuses_a_document_that_does_not_fit_the_schema(tmp_path: Any) -> None:
    # given
    query = "query Nope { noSuchField }"
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({_sha(query): query}))
    # when
    result = CliRunner().invoke(cli, ["register-documents", str(path), "--hub", "any"])
    # then
    assert result.exit_code == 1
    assert "Cannot query field 'noSuchField'" in result.output
