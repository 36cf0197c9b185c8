"""Register, verify by the emailed link, log in, refresh, log out, reset the password."""

from typing import Any

from app.auth import cache as auth_cache
from tests.helpers import DEFAULT_PASSWORD, link_in, read_mail

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { member { id displayName } errors { code field message } }
}"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    accessToken refreshToken accessTokenExpiresIn member { id }
    errors { code field message }
  }
}"""
VIEWER = "query { viewer { id displayName email emailVerified } }"
REFRESH = """
mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { accessToken refreshToken errors { code field message } }
}"""
LOGOUT = "mutation { logout { ok errors { code message } } }"
REQUEST_RESET = """
mutation Req($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) { ok errors { code field message } }
}"""
RESET = """
mutation Reset($input: ResetPasswordInput!) {
  resetPassword(input: $input) { ok errors { code field message } }
}"""


async def test_register_verify_login_and_viewer(
    gql: Any, http: Any, hub: Any, run_jobs: Any
) -> None:
    # given
    email = "Newbie@Example.org"
    # when
    data = await gql(
        REGISTER,
        {
            "input": {
                "hubSlug": hub.slug,
                "email": email,
                "password": DEFAULT_PASSWORD,
                "displayName": "Newbie",
            }
        },
    )
    # then
    assert data["register"]["errors"] == []
    assert data["register"]["member"]["displayName"] == "Newbie"

    # when: not verified yet, login is refused
    creds = {"hubSlug": hub.slug, "email": "newbie@example.org", "password": DEFAULT_PASSWORD}
    refused = await gql(LOGIN, {"input": creds})
    assert refused["login"]["errors"][0]["code"] == "EMAIL_NOT_VERIFIED"
    assert refused["login"]["accessToken"] is None

    # when: the worker sends the email and the member opens the link, then confirms
    await run_jobs()
    [message] = read_mail("newbie@example.org")
    link = link_in(message, "http://testserver/auth/verify-email?token=")
    page = await http.get(link.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Confirm my email address" in page.text
    token = link.split("token=")[1]
    confirmed = await http.post("/auth/verify-email", data={"token": token})
    assert confirmed.status_code == 200
    assert "Email verified" in confirmed.text

    # then: login works and the viewer is the member
    logged_in = (await gql(LOGIN, {"input": creds}))["login"]
    assert logged_in["errors"] == []
    assert logged_in["accessToken"].startswith("cha_")
    assert logged_in["accessTokenExpiresIn"] == 3600
    viewer = await gql(VIEWER, headers={"Authorization": f"Bearer {logged_in['accessToken']}"})
    assert viewer["viewer"]["email"] == "newbie@example.org"
    assert viewer["viewer"]["emailVerified"] is True

    # and: a second click says so, not "not valid"
    again = await http.get(link.removeprefix("http://testserver"))
    assert again.status_code == 200 and "Email verified" in again.text


async def test_viewer_is_null_without_token(gql: Any) -> None:
    assert (await gql(VIEWER))["viewer"] is None


async def test_bad_and_expired_tokens_are_unauthenticated(gql: Any, alice: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from app.auth.models import AuthToken, TokenKind

    bad = await gql.raw(VIEWER, headers={"Authorization": "Bearer cha_nonsense"})
    assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    await AuthToken.filter(member_id=alice.member.id, kind=TokenKind.ACCESS).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    await auth_cache.forget(member_id=alice.member.id)  # a queryset update sends no signal
    expired = await gql.raw(VIEWER, as_=alice)
    assert expired["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in expired["errors"][0]["message"]


async def test_refresh_rotates_and_reuse_ends_the_session(gql: Any, alice: Any) -> None:
    # when
    first = (await gql(REFRESH, {"input": {"refreshToken": alice.refresh_token}}))["refreshToken"]
    # then
    assert first["errors"] == []
    assert first["refreshToken"] != alice.refresh_token

    # when: the old refresh token is replayed (stolen)
    replay = (await gql(REFRESH, {"input": {"refreshToken": alice.refresh_token}}))["refreshToken"]
    # then: refused, and the whole session (including the new tokens) is revoked
    assert replay["errors"][0]["code"] == "INVALID_TOKEN"
    after = await gql.raw(VIEWER, headers={"Authorization": f"Bearer {first['accessToken']}"})
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_logout_revokes_access_and_refresh(gql: Any, alice: Any) -> None:
    out = await gql(LOGOUT, as_=alice)
    assert out["logout"] == {"ok": True, "errors": []}
    viewer = await gql.raw(VIEWER, as_=alice)
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refresh = (await gql(REFRESH, {"input": {"refreshToken": alice.refresh_token}}))["refreshToken"]
    assert refresh["errors"][0]["code"] == "INVALID_TOKEN"


async def test_password_reset_by_emailed_link(
    gql: Any, hub: Any, alice: Any, run_jobs: Any
) -> None:
    # when
    asked = await gql(REQUEST_RESET, {"input": {"hubSlug": hub.slug, "email": alice.email}})
    unknown = await gql(
        REQUEST_RESET, {"input": {"hubSlug": hub.slug, "email": "nobody@example.org"}}
    )
    await run_jobs()
    # then: the same answer either way, and only the real member got mail
    assert (
        asked["requestPasswordReset"]
        == unknown["requestPasswordReset"]
        == {"ok": True, "errors": []}
    )
    assert read_mail("nobody@example.org") == []
    token = link_in(
        read_mail(alice.email, "Reset your password")[-1],
        "http://testserver/auth/reset-password?token=",
    ).split("token=")[1]

    weak = await gql(RESET, {"input": {"token": token, "newPassword": "short"}})
    assert weak["resetPassword"]["errors"][0] == {
        "code": "WEAK_PASSWORD",
        "field": "newPassword",
        "message": "Use at least 10 characters.",
    }
    done = await gql(RESET, {"input": {"token": token, "newPassword": "a brand new passphrase"}})
    assert done["resetPassword"] == {"ok": True, "errors": []}

    # then: old sessions are gone, the old password fails, the new one works
    assert (await gql.raw(VIEWER, as_=alice))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    creds = {"hubSlug": hub.slug, "email": alice.email}
    old = await gql(LOGIN, {"input": {**creds, "password": alice.password}})
    assert old["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    new = await gql(LOGIN, {"input": {**creds, "password": "a brand new passphrase"}})
    assert new["login"]["errors"] == []
    reused = await gql(RESET, {"input": {"token": token, "newPassword": "another new passphrase"}})
    assert reused["resetPassword"]["errors"][0]["code"] == "INVALID_TOKEN"


LOGIN_IN_FULL = """
mutation Login($input: LoginInput!) {
  login(input: $input) {
    accessToken member { id displayName email emailVerified roles } errors { code message }
  }
}"""
REFRESH_IN_FULL = """
mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) {
    accessToken refreshToken member { id email roles } errors { code message }
  }
}"""


async def test_login_and_refresh_answer_with_the_members_own_payload_in_full(
    gql: Any, hub: Any, make_person: Any
) -> None:
    # given: a moderator, signed out (no Authorization header on these requests)
    from app.people.models import Role

    mo = await make_person(display_name="Mo", roles=[Role.MODERATOR])
    creds = {"hubSlug": hub.slug, "email": mo.email, "password": mo.password}
    # when: she signs in, asking for her private fields in the same operation
    login = (await gql(LOGIN_IN_FULL, {"input": creds}))["login"]
    # then: she reads them, as the session the operation just opened
    assert login["errors"] == []
    assert login["member"] == {
        "id": mo.gid,
        "displayName": "Mo",
        "email": mo.email,
        "emailVerified": True,
        "roles": ["MEMBER", "MODERATOR"],
    }
    # when: she refreshes her tokens (again without an access token)
    refreshed = (await gql(REFRESH_IN_FULL, {"input": {"refreshToken": mo.refresh_token}}))[
        "refreshToken"
    ]
    # then: the same
    assert refreshed["errors"] == []
    assert refreshed["member"] == {
        "id": mo.gid,
        "email": mo.email,
        "roles": ["MEMBER", "MODERATOR"],
    }
    # and a refused login reads nobody's fields
    wrong = await gql(LOGIN_IN_FULL, {"input": {**creds, "password": "not the password"}})
    assert wrong["login"]["member"] is None
    assert wrong["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
