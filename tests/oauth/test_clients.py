"""API clients: who registers them, bad input refused with nothing written, the secret shown
once and kept hashed, rotation with an overlap window, suspension, usage counters; and the
client credentials grant end to end over HTTP against a real server."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import ANY

import httpx
import pytest

from app.oauth.models import ApiClient, OAuthToken
from app.organisations.models import OrganisationMember, OrganisationRole
from app.people.models import Role
from schema.relay import encode_id
from tests.oauth.conftest import CREATE_CLIENT, graphql, register_client

ROTATE = """
mutation Rotate($input: RotateApiClientSecretInput!) {
  rotateApiClientSecret(input: $input) {
    client { previousSecretValidUntil } clientSecret errors { code message }
  }
}
"""
SUSPEND = """
mutation Suspend($input: SetApiClientSuspendedInput!) {
  setApiClientSuspended(input: $input) { client { suspended } errors { code message } }
}
"""
CLIENTS = """
query { apiClients { edges { node {
  clientId name scopes suspended organisation { name }
  usage { requests costSpent lastUsedAt errors { code count } }
} } } }
"""
EVENT_TYPES = "query { webhookEventTypes }"
ENDPOINTS = "query { webhookEndpoints { edges { node { id } } } }"
DICTIONARY = "query { cityDataDictionary { __typename } }"
LOGOUT = "mutation { logout { errors { code } } }"


@pytest.fixture
async def admin(make_person: Any) -> Any:
    return await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])


@pytest.fixture
async def http(live_api: Any) -> Any:
    async with httpx.AsyncClient(base_url=live_api.url) as client:
        yield client


async def _create(http: httpx.AsyncClient, person: Any, **fields: Any) -> dict[str, Any]:
    variables = {
        "input": {"name": "Rota", "redirectUris": [], "scopes": ["profile:read"], **fields}
    }
    answer = await graphql(http, CREATE_CLIENT, person.token, variables)
    return answer["data"]["createApiClient"]  # type: ignore[no-any-return]


async def _client_credentials(
    http: httpx.AsyncClient, client_id: str, secret: str, scope: str | None = None
) -> httpx.Response:
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return await http.post("/oauth/token", data=form, auth=(client_id, secret))


async def test_the_secret_is_shown_once_and_stored_as_an_argon2_hash(
    http: httpx.AsyncClient, admin: Any
) -> None:
    # when
    payload = await _create(http, admin, scopes=["webhooks:manage", "citydata:read"])
    # then
    assert payload["errors"] == []
    secret = payload["clientSecret"]
    row = await ApiClient.get(client_id=payload["client"]["clientId"])
    assert secret.startswith("chs_") and secret not in row.secret_hash
    assert row.secret_hash.startswith("$argon2id$")
    assert row.scopes == ["webhooks:manage", "citydata:read"]
    listed = await graphql(http, CLIENTS, admin.token)
    assert "secret" not in str(listed).lower()


async def test_client_credentials_give_a_token_within_the_clients_scopes(
    http: httpx.AsyncClient, admin: Any
) -> None:
    # given
    client = await register_client(
        str(http.base_url), admin, scopes=["webhooks:manage"], redirect_uris=[]
    )
    # when
    response = await _client_credentials(http, client.client_id, client.secret)
    # then: a token without a refresh token (RFC 6749 4.4.3)
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["scope"] == "webhooks:manage" and "refresh_token" not in tokens
    token = tokens["access_token"]
    inside = await graphql(http, EVENT_TYPES, token)
    assert "errors" not in inside and len(inside["data"]["webhookEventTypes"]) > 0
    outside = await graphql(http, DICTIONARY, token)
    assert outside["errors"][0]["extensions"] == {
        "code": "INSUFFICIENT_SCOPE",
        "scope": "citydata:read",
    }
    session_only = await graphql(http, LOGOUT, token)
    assert session_only["errors"][0]["extensions"] == {"code": "INSUFFICIENT_SCOPE", "scope": None}
    # and: the usage counters saw three requests, two refused by scope (each is counted after
    # its response went out: the last one may land a moment after its client read the answer)
    for _ in range(50):
        listed = await graphql(http, CLIENTS, admin.token)
        [usage] = [
            e["node"]["usage"]
            for e in listed["data"]["apiClients"]["edges"]
            if e["node"]["clientId"] == client.client_id
        ]
        if usage["requests"] >= 3:
            break
        await asyncio.sleep(0.1)
    assert usage["requests"] == 3
    # each request's cost was charged before its scope was checked: 1 + 2 + 3
    assert usage["costSpent"] == 6
    assert usage["errors"] == [{"code": "INSUFFICIENT_SCOPE", "count": 2}]
    assert usage["lastUsedAt"]


async def test_client_credentials_refuse_a_scope_the_client_lacks_and_unknown_ones(
    http: httpx.AsyncClient, admin: Any
) -> None:
    client = await register_client(str(http.base_url), admin, scopes=["profile:read"])
    for scope in ("credits:read", "everything"):
        # when
        response = await _client_credentials(http, client.client_id, client.secret, scope)
        # then
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_scope"
    assert not await OAuthToken.filter(client__client_id=client.client_id).exists()


async def test_a_wrong_secret_is_invalid_client(http: httpx.AsyncClient, admin: Any) -> None:
    client = await register_client(str(http.base_url), admin, scopes=["profile:read"])
    # when
    response = await _client_credentials(http, client.client_id, "chs_wrong")
    # then
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_rotation_keeps_the_old_secret_for_the_overlap_window_only(
    http: httpx.AsyncClient, admin: Any
) -> None:
    # given
    client = await register_client(str(http.base_url), admin, scopes=["profile:read"])
    # when: rotated
    answer = await graphql(http, ROTATE, admin.token, {"input": {"clientId": client.id}})
    payload = answer["data"]["rotateApiClientSecret"]
    new_secret = payload["clientSecret"]
    # then: both work, until the window closes
    assert payload["client"]["previousSecretValidUntil"]
    assert (await _client_credentials(http, client.client_id, new_secret)).status_code == 200
    assert (await _client_credentials(http, client.client_id, client.secret)).status_code == 200
    past = datetime.now(UTC) - timedelta(seconds=1)
    await ApiClient.filter(client_id=client.client_id).update(previous_secret_until=past)
    assert (await _client_credentials(http, client.client_id, client.secret)).status_code == 401
    assert (await _client_credentials(http, client.client_id, new_secret)).status_code == 200


async def test_a_suspended_client_gets_no_token_and_its_tokens_stop(
    http: httpx.AsyncClient, admin: Any
) -> None:
    client = await register_client(
        str(http.base_url), admin, scopes=["webhooks:manage"], service_roles=["HUB_ADMIN"]
    )
    token = (await _client_credentials(http, client.client_id, client.secret)).json()
    served = await graphql(http, ENDPOINTS, token["access_token"])
    assert served == {"data": {"webhookEndpoints": {"edges": []}}, "extensions": {"cost": ANY}}
    # when
    answer = await graphql(
        http, SUSPEND, admin.token, {"input": {"clientId": client.id, "suspended": True}}
    )
    # then
    assert answer["data"]["setApiClientSuspended"]["client"] == {"suspended": True}
    refused = await graphql(http, ENDPOINTS, token["access_token"])
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "suspended" in refused["errors"][0]["message"]
    again = await _client_credentials(http, client.client_id, client.secret)
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"scopes": ["profile:read", "admin:all"]}, "UNKNOWN_SCOPE", "scopes"),
        ({"scopes": []}, "UNKNOWN_SCOPE", "scopes"),
        ({"redirectUris": ["http://app.example.org/cb"]}, "INVALID_REDIRECT_URI", "redirectUris"),
        (
            {"redirectUris": ["https://app.example.org/cb#x"]},
            "INVALID_REDIRECT_URI",
            "redirectUris",
        ),
        ({"redirectUris": ["/relative/cb"]}, "INVALID_REDIRECT_URI", "redirectUris"),
        (
            {"redirectUris": ["https://u:p@app.example.org/"]},
            "INVALID_REDIRECT_URI",
            "redirectUris",
        ),
        ({"redirectUris": ["https://[::1"]}, "INVALID_REDIRECT_URI", "redirectUris"),
        ({"name": "  "}, "INVALID", "name"),
    ],
)
async def test_bad_input_is_a_typed_error_and_nothing_is_written(
    http: httpx.AsyncClient, admin: Any, fields: dict[str, Any], code: str, field: str
) -> None:
    before = await ApiClient.all().count()
    # when
    payload = await _create(http, admin, **fields)
    # then
    assert payload["client"] is None and payload["clientSecret"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert await ApiClient.all().count() == before


async def test_a_member_may_not_register_a_hub_client(
    http: httpx.AsyncClient, make_person: Any
) -> None:
    member = await make_person()
    before = await ApiClient.all().count()
    # when
    payload = await _create(http, member)
    # then
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert await ApiClient.all().count() == before


async def test_organisation_owners_register_clients_for_their_organisation_only(
    http: httpx.AsyncClient, make_person: Any, admin: Any, hub: Any
) -> None:
    # given: an owner of one organisation, a plain member of another
    from app.actor import Actor
    from app.organisations import service as organisations

    owner = await make_person(display_name="Ben")
    org = await organisations.create_organisation(
        actor=Actor(member=owner.member), name="Ancoats Food Bank", kind="charity"
    )
    other = await organisations.create_organisation(
        actor=Actor(member=admin.member), name="Repair Cafe", kind="charity"
    )
    assert await OrganisationMember.filter(
        organisation_id=org.id, member_id=owner.member.id, role=OrganisationRole.OWNER
    ).exists()
    # when
    mine = await _create(http, owner, organisationId=str(encode_id("Organisation", org.id)))
    theirs = await _create(http, owner, organisationId=str(encode_id("Organisation", other.id)))
    # then
    assert mine["errors"] == []
    assert [e["code"] for e in theirs["errors"]] == ["FORBIDDEN"]
    listed = await graphql(http, CLIENTS, owner.token)
    names = [e["node"]["organisation"]["name"] for e in listed["data"]["apiClients"]["edges"]]
    assert names == ["Ancoats Food Bank"]
    # and: its client-credentials token acts within its scopes only
    token = (
        await _client_credentials(http, mine["client"]["clientId"], mine["clientSecret"])
    ).json()
    assert token["scope"] == "profile:read"


async def test_a_token_cannot_step_outside_its_scopes_by_other_doors(
    http: httpx.AsyncClient, admin: Any, make_person: Any
) -> None:
    # given: a coordinator's client with webhooks:manage only
    coordinator = await make_person(roles=[Role.COORDINATOR, Role.HUB_ADMIN])
    client = await register_client(str(http.base_url), coordinator, scopes=["webhooks:manage"])
    token = (await _client_credentials(http, client.client_id, client.secret)).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    # when: acting for a member (a session-only power) ...
    acting = await http.post(
        "/graphql",
        json={"query": ENDPOINTS},
        headers={**bearer, "CH-Act-For": admin.gid},
    )
    # ... or downloading city data without citydata:read
    download = await http.get("/citydata/dictionary.csv", headers=bearer)
    # then: refused
    assert acting.status_code == 403
    assert acting.json()["errors"][0]["extensions"]["code"] == "ACT_FOR_REFUSED"
    assert download.status_code == 403
    assert "citydata:read" in download.json()["error"]["message"]


async def test_a_token_cannot_reach_a_mutation_outside_its_scopes_through_the_compiled_path(
    http: httpx.AsyncClient, admin: Any, make_person: Any
) -> None:
    from bench.documents import APPLY, PAY

    # given a token for webhooks only, and payee and opportunity ids that would be valid
    client = await register_client(
        str(http.base_url), admin, scopes=["webhooks:manage"], redirect_uris=[]
    )
    token = (await _client_credentials(http, client.client_id, client.secret)).json()
    payee = await make_person(display_name="Payee")
    pay = {"payeeId": str(payee.gid), "amount": 1, "idempotencyKey": "scope-test-pay"}
    apply = {"opportunityId": str(encode_id("Opportunity", 1))}
    # when it sends the documents the compiled mutation path takes for a session
    paid = await graphql(http, PAY, token["access_token"], {"input": pay})
    applied = await graphql(http, APPLY, token["access_token"], {"input": apply})
    # then both are refused by scope, and no money moved
    assert paid["errors"][0]["extensions"] == {"code": "INSUFFICIENT_SCOPE", "scope": None}
    assert applied["errors"][0]["extensions"] == {
        "code": "INSUFFICIENT_SCOPE",
        "scope": "applications:manage",
    }
    assert paid["data"] is None and applied["data"] is None
