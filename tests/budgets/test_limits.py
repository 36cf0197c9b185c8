"""Sign-in, password reset and voucher checks have tight limits per identity and per address,
counted once per call: aliasing the mutation in one document does not get around them."""

import uuid
from typing import Any

import pytest

from tests.helpers import create_person

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken errors { code field message } }
}"""
CHECK = "query Check($code: String!) { voucherByCode(code: $code) { status } }"


def _aliased_resets(slug: str, emails: list[str]) -> str:
    fields = " ".join(
        f'r{i}: requestPasswordReset(input: {{hubSlug: "{slug}", email: "{email}"}})'
        " { errors { code } }"
        for i, email in enumerate(emails)
    )
    return f"mutation {{ {fields} }}"


def _aliased_logins(slug: str, email: str, count: int) -> str:
    fields = " ".join(
        f'l{i}: login(input: {{hubSlug: "{slug}", email: "{email}", password: "wrong guess {i}"}})'
        " { accessToken errors { code } }"
        for i in range(count)
    )
    return f"mutation {{ {fields} }}"


@pytest.mark.usefixtures("real_limits")
async def test_the_eleventh_sign_in_for_an_account_is_refused_even_with_the_right_password(
    gql: Any, hub: Any
) -> None:
    # given a member who signed in (create_person does), then 9 wrong guesses at their
    # password: 10 sign-ins in a quarter of an hour
    person = await create_person(hub=hub, email=f"target-{uuid.uuid4().hex[:8]}@example.org")
    for i in range(9):
        data = await gql(
            LOGIN,
            {"input": {"hubSlug": hub.slug, "email": person.email, "password": f"guess {i}"}},
        )
        assert data["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # when the right password comes next
    data = await gql(
        LOGIN, {"input": {"hubSlug": hub.slug, "email": person.email, "password": person.password}}
    )
    # then it is refused too, and says for how long
    assert data["login"]["accessToken"] is None
    [error] = data["login"]["errors"]
    assert error["code"] == "RATE_LIMITED"
    assert "try again in" in error["message"]


@pytest.mark.usefixtures("real_limits")
async def test_aliases_in_one_document_count_one_each(gql: Any, hub: Any) -> None:
    # given one document that tries 12 passwords for one account through aliases
    email = f"alias-{uuid.uuid4().hex[:8]}@example.org"
    # when
    data = await gql(_aliased_logins(hub.slug, email, 12))
    # then the first 10 are checked and the last 2 refused
    codes = [data[f"l{i}"]["errors"][0]["code"] for i in range(12)]
    assert codes == ["INVALID_CREDENTIALS"] * 10 + ["RATE_LIMITED"] * 2


@pytest.mark.usefixtures("real_limits")
async def test_password_resets_are_limited_per_account_and_per_address(gql: Any, hub: Any) -> None:
    # given one account asked for three times
    one = f"reset-{uuid.uuid4().hex[:8]}@example.org"
    data = await gql(_aliased_resets(hub.slug, [one] * 4))
    # then the fourth is refused
    assert [data[f"r{i}"]["errors"] for i in range(4)] == [[], [], [], [{"code": "RATE_LIMITED"}]]
    # and when one address asks for 20 more different accounts in one document
    others = [f"reset-{uuid.uuid4().hex[:8]}@example.org" for _ in range(20)]
    data = await gql(_aliased_resets(hub.slug, others))
    # then the address has had its 20 (3 of them above, and the refused one counted none)
    codes = [data[f"r{i}"]["errors"] for i in range(20)]
    assert codes[:17] == [[]] * 17
    assert codes[17:] == [[{"code": "RATE_LIMITED"}]] * 3


@pytest.mark.usefixtures("real_limits")
async def test_guessing_voucher_codes_is_limited_per_member(gql: Any, hub: Any) -> None:
    # given a member who tries 30 made-up voucher codes
    person = await create_person(hub=hub)
    for i in range(30):
        response = await gql.raw(CHECK, {"code": f"CH-GUES-S{i:03d}"}, headers=person.headers)
        assert response["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # when they try one more
    response = await gql.raw(CHECK, {"code": "CH-GUES-S999"}, headers=person.headers)
    # then it is refused without a look-up
    assert response["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert response["errors"][0]["extensions"]["field"] == "code"
