"""Authorization code with PKCE, end to end over HTTP against a real server: consent,
tokens, refresh, introspection, revocation, and what RFC 6749/7636 tell us to refuse."""

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import ANY

import httpx
import pytest

from app.oauth.models import OAuthCode, OAuthGrant, OAuthToken
from app.people.models import Role
from tests.oauth.conftest import (
    REDIRECT_URI,
    authorize_params,
    code_for,
    consent,
    exchange,
    graphql,
    pkce_pair,
    query_of,
    register_client,
)

VIEWER = "query { viewer { displayName } }"
MY_CREDITS = "query { myCredits { balance } }"
CONNECTED_APPS = "query { myConnectedApps { id clientName ownerName scopes scopeDescriptions } }"
REVOKE_APP = """
mutation Revoke($input: RevokeConnectedAppInput!) {
  revokeConnectedApp(input: $input) { connectedApp { id } errors { code message } }
}
"""


@pytest.fixture
async def setup(live_api: Any, make_person: Any) -> Any:
    admin = await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])
    member = await make_person(display_name="Chloe")
    client = await register_client(
        live_api.url, admin, scopes=["profile:read", "opportunities:read", "credits:read"]
    )
    async with httpx.AsyncClient(base_url=live_api.url) as http:
        yield http, client, member


async def test_the_consent_page_names_the_app_its_owner_and_the_scopes_in_plain_words(
    setup: Any, hub: Any
) -> None:
    # given
    http, client, _member = setup
    _verifier, challenge = pkce_pair()
    # when
    page = await http.get("/oauth/authorize", params=authorize_params(client, challenge))
    # then
    assert page.status_code == 200
    assert "Food bank rota" in page.text
    assert f"{hub.name} (the hub&#x27;s administrators)" in page.text
    assert "See your profile" in page.text
    assert "See volunteering opportunities" in page.text
    assert "credits" not in page.text.lower().split("wants to:")[1].split("</ul>")[0]
    assert page.headers["x-frame-options"] == "DENY"


async def test_code_with_pkce_gives_tokens_bound_to_the_consented_scopes(setup: Any) -> None:
    # given: the member consents
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    # when: the client exchanges the code with its verifier
    response = await exchange(http, client, code, verifier)
    # then
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["scope"] == "profile:read opportunities:read"
    assert tokens["refresh_token"]
    viewer = await graphql(http, VIEWER, tokens["access_token"])
    assert viewer == {"data": {"viewer": {"displayName": "Chloe"}}, "extensions": {"cost": ANY}}
    # and: outside the consented scopes, a typed error naming the scope
    credits = await graphql(http, MY_CREDITS, tokens["access_token"])
    assert credits["data"] is None
    [error] = credits["errors"]
    assert error["extensions"] == {"code": "INSUFFICIENT_SCOPE", "scope": "credits:read"}
    # and: tokens are stored hashed only
    stored = await OAuthToken.filter(member_id=member.member.id).values_list(
        "token_hash", flat=True
    )
    assert tokens["access_token"] not in stored and len(stored) == 2


async def test_the_state_comes_back_and_deny_answers_access_denied(setup: Any) -> None:
    http, client, member = setup
    _verifier, challenge = pkce_pair()
    # when
    answer = query_of(await consent(http, authorize_params(client, challenge), member, "deny"))
    # then
    assert answer["error"] == ["access_denied"]
    assert answer["state"] == ["xyz-state"]
    assert "code" not in answer
    assert not await OAuthGrant.filter(member_id=member.member.id).exists()


async def test_a_wrong_password_shows_the_page_again_and_writes_nothing(setup: Any) -> None:
    http, client, member = setup
    _verifier, challenge = pkce_pair()
    form = {**authorize_params(client, challenge), "email": member.email, "password": "nope"}
    # when
    page = await http.post("/oauth/authorize", data={**form, "decision": "allow"})
    # then
    assert page.status_code == 401
    assert "Wrong email or password" in page.text
    assert not await OAuthGrant.filter(member_id=member.member.id).exists()


async def test_a_wrong_verifier_is_invalid_grant(setup: Any) -> None:
    http, client, member = setup
    code, _verifier = await code_for(http, client, member)
    other_verifier, _ = pkce_pair()
    # when
    response = await exchange(http, client, code, other_verifier)
    # then
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not await OAuthToken.filter(member_id=member.member.id).exists()


async def test_a_missing_verifier_is_refused(setup: Any) -> None:
    http, client, member = setup
    code, _verifier = await code_for(http, client, member)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    # when
    response = await http.post("/oauth/token", data=form, auth=client.basic)
    # then
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_reused_code_is_refused_and_revokes_the_tokens_it_gave(setup: Any) -> None:
    # given: a code already exchanged
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    first = (await exchange(http, client, code, verifier)).json()
    # when: it is used again
    again = await exchange(http, client, code, verifier)
    # then: invalid_grant, and the first tokens no longer work (RFC 6749 4.1.2)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    answer = await graphql(http, VIEWER, first["access_token"])
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_code_for_another_redirect_uri_is_refused(setup: Any) -> None:
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    # when
    response = await exchange(
        http, client, code, verifier, redirect_uri="https://app.example.org/other"
    )
    # then
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_an_unregistered_redirect_uri_is_never_redirected_to(setup: Any) -> None:
    http, client, member = setup
    _verifier, challenge = pkce_pair()
    params = authorize_params(client, challenge, redirect_uri="https://evil.example/steal")
    # when
    page = await http.get("/oauth/authorize", params=params)
    posted = await consent(http, params, member)
    # then: an error page here (RFC 6749 4.1.2.1), no Location, no code written
    assert page.status_code == 400 and "location" not in page.headers
    assert posted.status_code == 400 and "location" not in posted.headers
    assert not await OAuthGrant.filter(member_id=member.member.id).exists()


async def test_an_unknown_scope_goes_back_as_invalid_scope(setup: Any) -> None:
    http, client, _member = setup
    _verifier, challenge = pkce_pair()
    params = authorize_params(client, challenge, scope="profile:read everything:write")
    # when
    response = await http.get("/oauth/authorize", params=params)
    # then
    assert query_of(response)["error"] == ["invalid_scope"]


async def test_a_scope_the_client_was_not_given_goes_back_as_invalid_scope(setup: Any) -> None:
    http, client, _member = setup
    _verifier, challenge = pkce_pair()
    params = authorize_params(client, challenge, scope="webhooks:manage")
    # when
    response = await http.get("/oauth/authorize", params=params)
    # then
    assert query_of(response)["error"] == ["invalid_scope"]


async def test_pkce_is_required_and_only_s256(setup: Any) -> None:
    http, client, _member = setup
    _verifier, challenge = pkce_pair()
    without = authorize_params(client, challenge)
    del without["code_challenge"], without["code_challenge_method"]
    plain = authorize_params(client, challenge, code_challenge_method="plain")
    # when / then
    for params in (without, plain):
        answer = query_of(await http.get("/oauth/authorize", params=params))
        assert answer["error"] == ["invalid_request"], answer


async def test_an_expired_code_is_invalid_grant(setup: Any) -> None:
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    past = datetime.now(UTC) - timedelta(seconds=1)
    await OAuthCode.filter(grant__member_id=member.member.id).update(expires_at=past)
    # when
    response = await exchange(http, client, code, verifier)
    # then
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_refresh_rotates_and_a_spent_refresh_token_ends_the_grant(setup: Any) -> None:
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    first = (await exchange(http, client, code, verifier)).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    # when: refreshed once
    second = await http.post("/oauth/token", data=refresh, auth=client.basic)
    # then: a new pair, the same scopes
    assert second.status_code == 200, second.text
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["scope"] == "profile:read opportunities:read"
    assert (await graphql(http, VIEWER, renewed["access_token"]))["data"]["viewer"]
    # when: the spent refresh token comes back (stolen?)
    replay = await http.post("/oauth/token", data=refresh, auth=client.basic)
    # then: refused, and the grant's tokens end
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    answer = await graphql(http, VIEWER, renewed["access_token"])
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_introspection_and_revocation(setup: Any) -> None:
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    tokens = (await exchange(http, client, code, verifier)).json()
    # when: introspected (RFC 7662)
    live = await http.post(
        "/oauth/introspect", data={"token": tokens["access_token"]}, auth=client.basic
    )
    # then
    body = live.json()
    assert body["active"] is True
    assert body["scope"] == "profile:read opportunities:read"
    assert body["client_id"] == client.client_id
    assert body["sub"] == member.gid
    assert body["exp"] > body["iat"]
    # when: the refresh token is revoked (RFC 7009)
    revoked = await http.post(
        "/oauth/revoke",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=client.basic,
    )
    # then: 200, and the access token of the same grant ends too
    assert revoked.status_code == 200
    after = await http.post(
        "/oauth/introspect", data={"token": tokens["access_token"]}, auth=client.basic
    )
    assert after.json() == {"active": False}
    answer = await graphql(http, VIEWER, tokens["access_token"])
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # and: revoking an unknown token is still 200 (RFC 7009 2.2)
    unknown = await http.post("/oauth/revoke", data={"token": "cho_nothing"}, auth=client.basic)
    assert unknown.status_code == 200


async def test_an_expired_access_token_is_refused_and_inactive(setup: Any) -> None:
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    tokens = (await exchange(http, client, code, verifier)).json()
    past = datetime.now(UTC) - timedelta(seconds=1)
    await OAuthToken.filter(member_id=member.member.id, kind="access").update(expires_at=past)
    # when
    answer = await graphql(http, VIEWER, tokens["access_token"])
    introspected = await http.post(
        "/oauth/introspect", data={"token": tokens["access_token"]}, auth=client.basic
    )
    # then
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in answer["errors"][0]["message"]
    assert introspected.json() == {"active": False}


async def test_members_list_and_revoke_connected_apps(setup: Any) -> None:
    http, client, member = setup
    code, verifier = await code_for(http, client, member)
    tokens = (await exchange(http, client, code, verifier)).json()
    # when: the member lists their connected apps (with their own session)
    listed = await graphql(http, CONNECTED_APPS, member.token)
    # then
    [app] = listed["data"]["myConnectedApps"]
    assert app["clientName"] == "Food bank rota"
    assert app["scopes"] == ["profile:read", "opportunities:read"]
    assert app["scopeDescriptions"][0].startswith("See your profile")
    # and: the app's own token may not list or revoke them
    by_token = await graphql(http, CONNECTED_APPS, tokens["access_token"])
    assert by_token["errors"][0]["extensions"] == {"code": "INSUFFICIENT_SCOPE", "scope": None}
    # when: the member disconnects it
    revoked = await graphql(
        http, REVOKE_APP, member.token, {"input": {"connectedAppId": app["id"]}}
    )
    # then
    assert revoked["data"]["revokeConnectedApp"]["errors"] == []
    answer = await graphql(http, VIEWER, tokens["access_token"])
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await graphql(http, CONNECTED_APPS, member.token))["data"]["myConnectedApps"] == []
