"""A real `communityhub serve` for the OAuth flows, and helpers that register clients and
walk the consent page over HTTP as a browser would."""

import base64
import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.clients.live import LiveAPI, serve
from tests.helpers import Person

CREATE_CLIENT = """
mutation Create($input: CreateApiClientInput!) {
  createApiClient(input: $input) {
    client { id clientId name scopes redirectUris suspended }
    clientSecret
    errors { code field message }
  }
}
"""
REDIRECT_URI = "https://app.example.org/callback"


@pytest.fixture(scope="package")
def live_api(database: str) -> Iterator[LiveAPI]:
    # The issuer in the metadata is CH_PUBLIC_URL: https, as RFC 8414 wants.
    prefix = f"{os.environ['CH_REDIS_PREFIX']}-oauth"
    with serve(CH_REDIS_PREFIX=prefix, CH_PUBLIC_URL="https://hub.example.org") as api:
        yield api


@dataclass
class Registered:
    id: str  # global ID
    client_id: str
    secret: str

    @property
    def basic(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.client_id, self.secret)


async def register_client(
    url: str,
    owner: Person,
    *,
    scopes: list[str],
    redirect_uris: list[str] | None = None,
    name: str = "Food bank rota",
    organisation_id: str | None = None,
    service_roles: list[str] | None = None,
) -> Registered:
    """Registers a client with the createApiClient mutation, as its owner."""
    variables = {
        "input": {
            "name": name,
            "scopes": scopes,
            "redirectUris": [REDIRECT_URI] if redirect_uris is None else redirect_uris,
            "organisationId": organisation_id,
            "serviceRoles": service_roles,
        }
    }
    async with httpx.AsyncClient(base_url=url) as http:
        answer = (
            await http.post(
                "/graphql",
                json={"query": CREATE_CLIENT, "variables": variables},
                headers=owner.headers,
            )
        ).json()
    payload = answer["data"]["createApiClient"]
    assert payload["errors"] == [], payload
    client = payload["client"]
    return Registered(client["id"], client["clientId"], payload["clientSecret"])


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_params(client: Registered, challenge: str, **more: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "profile:read opportunities:read",
        "state": "xyz-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(more)
    return params


async def consent(
    http: httpx.AsyncClient, params: dict[str, str], member: Person, decision: str = "allow"
) -> httpx.Response:
    """Presses a button of the consent page, signing in with email and password."""
    form = {**params, "email": member.email, "password": member.password, "decision": decision}
    return await http.post("/oauth/authorize", data=form)


def query_of(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI), location
    return parse_qs(urlsplit(location).query)


async def code_for(
    http: httpx.AsyncClient, client: Registered, member: Person, **more: str
) -> tuple[str, str]:
    """A fresh authorization code (and its verifier) the member consented to."""
    verifier, challenge = pkce_pair()
    answer = query_of(await consent(http, authorize_params(client, challenge, **more), member))
    return answer["code"][0], verifier


async def exchange(
    http: httpx.AsyncClient, client: Registered, code: str, verifier: str, **more: str
) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        **more,
    }
    return await http.post("/oauth/token", data=form, auth=client.basic)


async def graphql(
    http: httpx.AsyncClient, query: str, token: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
