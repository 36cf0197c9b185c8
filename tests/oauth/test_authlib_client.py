"""Authlib's own OAuth 2.0 client (AsyncOAuth2Client, on httpx2) against a real server:
the metadata it would discover, client credentials, the code flow with PKCE, refresh,
introspection and revocation; no hand-written token requests."""

import secrets
from typing import Any
from unittest.mock import ANY
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from app.people.models import Role
from tests.oauth.conftest import REDIRECT_URI, register_client

VIEWER = {"query": "query { viewer { displayName } }"}
ENDPOINTS = {"query": "query { webhookEndpoints { edges { node { id } } } }"}


@pytest.fixture
async def admin(make_person: Any) -> Any:
    return await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])


async def test_the_metadata_is_valid_rfc_8414(live_api: Any) -> None:
    # when
    async with httpx.AsyncClient(base_url=live_api.url) as http:
        response = await http.get("/.well-known/oauth-authorization-server")
    # then: Authlib's own validator accepts it
    document = AuthorizationServerMetadata(response.json())
    document.validate()
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "client_credentials" in document["grant_types_supported"]
    assert document["token_endpoint"] == "https://hub.example.org/oauth/token"


async def test_client_credentials_with_authlibs_client(live_api: Any, admin: Any) -> None:
    # given
    registered = await register_client(
        live_api.url, admin, scopes=["webhooks:manage"], service_roles=["HUB_ADMIN"]
    )
    async with AsyncOAuth2Client(
        registered.client_id, registered.secret, scope="webhooks:manage"
    ) as client:
        # when
        token = await client.fetch_token(
            f"{live_api.url}/oauth/token", grant_type="client_credentials"
        )
        answer = (await client.post(f"{live_api.url}/graphql", json=ENDPOINTS)).json()
    # then
    assert token["scope"] == "webhooks:manage"
    assert answer == {"data": {"webhookEndpoints": {"edges": []}}, "extensions": {"cost": ANY}}


async def test_the_code_flow_with_authlibs_client(
    live_api: Any, admin: Any, make_person: Any
) -> None:
    # given: a client and a member
    registered = await register_client(live_api.url, admin, scopes=["profile:read"])
    member = await make_person(display_name="Dev")
    verifier = secrets.token_urlsafe(48)
    async with AsyncOAuth2Client(
        registered.client_id,
        registered.secret,
        scope="profile:read",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    ) as client:
        url, state = client.create_authorization_url(
            f"{live_api.url}/oauth/authorize", code_verifier=verifier
        )
        # when: the member's browser opens it and allows
        params = dict(parse_qsl(urlsplit(url).query))
        async with httpx.AsyncClient(base_url=live_api.url) as browser:
            page = await browser.get("/oauth/authorize", params=params)
            assert page.status_code == 200 and "See your profile" in page.text
            form = {**params, "email": member.email, "password": member.password}
            allowed = await browser.post("/oauth/authorize", data={**form, "decision": "allow"})
        location = allowed.headers["location"]
        token = await client.fetch_token(
            f"{live_api.url}/oauth/token",
            authorization_response=location,
            code_verifier=verifier,
            state=state,
        )
        viewer = (await client.post(f"{live_api.url}/graphql", json=VIEWER)).json()
        # and: refreshed, introspected, revoked through the same client
        refreshed = await client.refresh_token(f"{live_api.url}/oauth/token")
        introspected = (
            await client.introspect_token(
                f"{live_api.url}/oauth/introspect", token=refreshed["access_token"]
            )
        ).json()
        revoked = await client.revoke_token(
            f"{live_api.url}/oauth/revoke",
            token=refreshed["refresh_token"],
            token_type_hint="refresh_token",
        )
        after = (
            await client.introspect_token(
                f"{live_api.url}/oauth/introspect", token=refreshed["access_token"]
            )
        ).json()
    # then
    assert token["scope"] == "profile:read"
    assert viewer == {"data": {"viewer": {"displayName": "Dev"}}, "extensions": {"cost": ANY}}
    assert refreshed["access_token"] != token["access_token"]
    assert introspected["active"] is True and introspected["scope"] == "profile:read"
    assert revoked.status_code == 200
    assert after == {"active": False}
