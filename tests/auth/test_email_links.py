"""Emailed links survive mail scanners and second clicks: opening a link (GET) uses nothing up.

The verification link shows a confirm button (a POST form); a second click of a link still
within its lifetime, for a verified address, says it is verified. The password reset link
only sends the member to the app; resetPassword uses its token, once.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from app.auth.models import AuthToken, TokenKind
from app.people.models import Member
from tests.helpers import DEFAULT_PASSWORD, link_in, read_mail

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { member { id } errors { code field message } }
}"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken errors { code field message } }
}"""
VERIFY = """
mutation VerifyEmail($input: VerifyEmailInput!) {
  verifyEmail(input: $input) { member { id } errors { code field message } }
}"""
REQUEST_RESET = """
mutation RequestPasswordReset($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) { ok errors { code field message } }
}"""
RESET = """
mutation ResetPassword($input: ResetPasswordInput!) {
  resetPassword(input: $input) { ok errors { code field message } }
}"""


async def _registered(gql: Any, hub: Any, run_jobs: Any, email: str) -> str:
    """Registers `email` and returns the path of the emailed verification link."""
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
    assert data["register"]["errors"] == []
    await run_jobs()
    [message] = read_mail(email)
    return link_in(message, "http://testserver/auth/verify-email?token=").removeprefix(
        "http://testserver"
    )


async def _login_code(gql: Any, hub: Any, email: str) -> str | None:
    creds = {"hubSlug": hub.slug, "email": email, "password": DEFAULT_PASSWORD}
    errors = (await gql(LOGIN, {"input": creds}))["login"]["errors"]
    return errors[0]["code"] if errors else None


async def test_a_scanner_opening_the_link_verifies_nothing_and_a_second_click_says_verified(
    gql: Any, http: Any, hub: Any, run_jobs: Any
) -> None:
    # given: a new member's verification link
    path = await _registered(gql, hub, run_jobs, "scanned@example.org")
    token = path.split("token=")[1]
    # when: a mail scanner opens it (twice, as they do)
    scans = [await http.get(path), await http.get(path)]
    # then: each sees a page with a confirm button and no referrer leaks; nothing is used up
    for scan in scans:
        assert scan.status_code == 200
        assert "Confirm my email address" in scan.text
        form = re.search(r'<form method="post" action="/auth/verify-email">', scan.text)
        assert form is not None
        assert f'name="token" value="{token}"' in scan.text
        assert scan.headers["referrer-policy"] == "no-referrer"
        assert scan.headers["cache-control"] == "no-store"
    row = await AuthToken.get(kind=TokenKind.VERIFY_EMAIL, member__email="scanned@example.org")
    assert row.used_at is None
    assert await _login_code(gql, hub, "scanned@example.org") == "EMAIL_NOT_VERIFIED"

    # when: the member presses the button
    confirmed = await http.post("/auth/verify-email", data={"token": token})
    # then
    assert confirmed.status_code == 200 and "Email verified" in confirmed.text
    assert await _login_code(gql, hub, "scanned@example.org") is None

    # when: they click the link again, press the button again, or an app sends the token again
    second_click = await http.get(path)
    second_press = await http.post("/auth/verify-email", data={"token": token})
    again = (await gql(VERIFY, {"input": {"token": token}}))["verifyEmail"]
    # then: all say it is verified
    assert second_click.status_code == 200 and "Email verified" in second_click.text
    assert "<form" not in second_click.text
    assert second_press.status_code == 200 and "Email verified" in second_press.text
    assert again["errors"] == [] and again["member"]["id"]


async def test_bad_expired_and_empty_links_say_so(
    gql: Any, http: Any, hub: Any, run_jobs: Any
) -> None:
    # given: a link that has expired, and nonsense
    path = await _registered(gql, hub, run_jobs, "late@example.org")
    token = path.split("token=")[1]
    await AuthToken.filter(kind=TokenKind.VERIFY_EMAIL, member__email="late@example.org").update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    # when
    expired_get = await http.get(path)
    expired_post = await http.post("/auth/verify-email", data={"token": token})
    nonsense = await http.get("/auth/verify-email?token=chv_nonsense")
    empty = await http.post("/auth/verify-email", data={})
    oversized = await http.post("/auth/verify-email", content=b"token=" + b"x" * 5000)
    # then: a 400 page saying why, and nothing verified
    assert expired_get.status_code == 400 and "expired" in expired_get.text
    assert expired_post.status_code == 400 and "expired" in expired_post.text
    for page in (nonsense, empty, oversized):
        assert page.status_code == 400 and "not valid" in page.text
    member = await Member.get(hub_id=hub.id, email="late@example.org")
    assert member.email_verified_at is None


async def test_opening_the_reset_link_uses_nothing_up(
    gql: Any, http: Any, hub: Any, alice: Any, run_jobs: Any
) -> None:
    # given: alice asked for a reset link
    await gql(REQUEST_RESET, {"input": {"hubSlug": hub.slug, "email": alice.email}})
    await run_jobs()
    link = link_in(
        read_mail(alice.email, "Reset your password")[-1],
        "http://testserver/auth/reset-password?token=",
    )
    # when: a scanner opens it
    page = await http.get(link.removeprefix("http://testserver"))
    # then: it only points to the app, and the token still works there, once
    assert page.status_code == 200 and "Community Hub app" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    token = link.split("token=")[1]
    done = await gql(RESET, {"input": {"token": token, "newPassword": "a brand new passphrase"}})
    assert done["resetPassword"] == {"ok": True, "errors": []}
    reused = await gql(RESET, {"input": {"token": token, "newPassword": "another passphrase!"}})
    assert reused["resetPassword"]["errors"][0]["code"] == "INVALID_TOKEN"
