"""The member chooses their language (updateProfile.locale); unsupported ones are typed errors."""

from typing import Any

from app.people.models import Member

UPDATE = """
mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { member { locale } errors { code field message } }
}"""


async def test_a_member_chooses_a_supported_language(gql: Any, alice: Any) -> None:
    data = await gql(UPDATE, {"input": {"locale": "it-IT"}}, as_=alice)
    assert data["updateProfile"] == {"member": {"locale": "it"}, "errors": []}
    assert (await Member.get(id=alice.member.id)).locale == "it"

    data = await gql(UPDATE, {"input": {"locale": None}}, as_=alice)
    assert data["updateProfile"]["member"] == {"locale": None}


async def test_an_unsupported_language_is_refused_in_the_readers_language(
    gql: Any, alice: Any
) -> None:
    await gql(UPDATE, {"input": {"locale": "es"}}, as_=alice)

    data = await gql(UPDATE, {"input": {"locale": "klingon"}}, as_=alice)

    assert data["updateProfile"]["member"] is None
    [error] = data["updateProfile"]["errors"]
    assert (error["code"], error["field"]) == ("UNSUPPORTED_LOCALE", "locale")
    assert error["message"] == "No es un idioma que hablemos: elige uno de en-GB, it, es."
    assert (await Member.get(id=alice.member.id)).locale == "es"
