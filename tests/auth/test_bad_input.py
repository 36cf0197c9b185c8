"""Bad sign-in input: typed errors, nothing written."""

from typing import Any

import pytest

from app.auth import cache as auth_cache
from app.people.models import Member
from tests.helpers import DEFAULT_PASSWORD

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { member { id } errors { code field message } }
}"""
VERIFY = """
mutation Verify($input: VerifyEmailInput!) {
  verifyEmail(input: $input) { member { id } errors { code field message } }
}"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken errors { code field message } }
}"""


def _input(hub: Any, **overrides: str) -> dict[str, Any]:
    base = {
        "hubSlug": hub.slug,
        "email": "someone@example.org",
        "password": DEFAULT_PASSWORD,
        "displayName": "Someone",
    }
    return {"input": {**base, **overrides}}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"email": "not-an-email"}, "INVALID", "email"),
        ({"email": "x" * 250 + "@example.org"}, "INVALID", "email"),
        ({"password": "short"}, "WEAK_PASSWORD", "password"),
        ({"password": "password123"}, "WEAK_PASSWORD", "password"),
        ({"password": "x" * 300}, "WEAK_PASSWORD", "password"),
        ({"displayName": "n" * 81}, "INVALID", "displayName"),
        ({"displayName": "   "}, "INVALID", "displayName"),
        ({"hubSlug": "no-such-hub"}, "HUB_NOT_FOUND", "hubSlug"),
    ],
)
async def test_register_rejects_bad_input_and_writes_nothing(
    gql: Any, hub: Any, overrides: dict[str, str], code: str, field: str
) -> None:
    # when
    data = await gql(REGISTER, _input(hub, **overrides))
    # then
    assert data["register"]["member"] is None
    assert {"code": code, "field": field} == {
        k: data["register"]["errors"][0][k] for k in ("code", "field")
    }
    assert await Member.filter(hub_id=hub.id).count() == 0


async def test_register_reports_every_bad_field_at_once(gql: Any, hub: Any) -> None:
    data = await gql(REGISTER, _input(hub, email="nope", password="short", displayName=""))
    assert {e["field"] for e in data["register"]["errors"]} == {"email", "password", "displayName"}


async def test_duplicate_email_in_the_same_hub_is_refused_case_insensitively(
    gql: Any, hub: Any, other_hub: Any
) -> None:
    # given
    assert (await gql(REGISTER, _input(hub)))["register"]["errors"] == []
    # when
    again = await gql(REGISTER, _input(hub, email="SomeOne@Example.org"))
    elsewhere = await gql(REGISTER, _input(other_hub))
    # then: one account per hub; the same person may join another hub
    assert again["register"]["errors"][0]["code"] == "DUPLICATE_EMAIL"
    assert elsewhere["register"]["errors"] == []
    assert await Member.filter(hub_id=hub.id).count() == 1


@pytest.mark.parametrize("token", ["", "chv_unknown", "cha_wrongkind", "x" * 10_000])
async def test_bad_verification_tokens(gql: Any, token: str) -> None:
    data = await gql(VERIFY, {"input": {"token": token}})
    assert data["verifyEmail"]["errors"][0]["code"] == "INVALID_TOKEN"


async def test_expired_verification_token(gql: Any, hub: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from app.auth import tokens
    from app.auth.models import AuthToken, TokenKind

    await gql(REGISTER, _input(hub))
    member = await Member.get(hub_id=hub.id)
    raw, row = await tokens.issue(kind=TokenKind.VERIFY_EMAIL, hub_id=hub.id, member_id=member.id)
    await AuthToken.filter(id=row.id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    data = await gql(VERIFY, {"input": {"token": raw}})
    assert data["verifyEmail"]["errors"][0]["code"] == "EXPIRED_TOKEN"
    await member.refresh_from_db()
    assert member.email_verified_at is None


async def test_login_does_not_reveal_which_emails_exist(gql: Any, hub: Any, alice: Any) -> None:
    wrong_password = await gql(
        LOGIN, {"input": {"hubSlug": hub.slug, "email": alice.email, "password": "wrong one!!"}}
    )
    unknown_email = await gql(
        LOGIN, {"input": {"hubSlug": hub.slug, "email": "who@example.org", "password": "wrong"}}
    )
    assert wrong_password["login"]["errors"] == unknown_email["login"]["errors"]
    assert wrong_password["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_a_suspended_member_cannot_sign_in(gql: Any, hub: Any, alice: Any) -> None:
    from app.people.models import MemberStatus

    await Member.filter(id=alice.member.id).update(status=MemberStatus.SUSPENDED)
    # A queryset update sends no signal: what sees the row changed forgets its tokens.
    await auth_cache.forget(member_id=alice.member.id)
    data = await gql(
        LOGIN, {"input": {"hubSlug": hub.slug, "email": alice.email, "password": alice.password}}
    )
    assert data["login"]["errors"][0]["code"] == "ACCOUNT_SUSPENDED"
    viewer = await gql.raw("{ viewer { id } }", as_=alice)
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_wrong_scheme_in_authorization_header(gql: Any) -> None:
    body = await gql.raw("{ viewer { id } }", headers={"Authorization": "Basic abc"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
