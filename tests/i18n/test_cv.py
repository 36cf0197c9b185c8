"""The printable CV reads in the language asked for (?locale=), else the member's."""

from typing import Any

from tests.i18n.helpers import english_left
from tests.portfolios.test_portfolio import share

PROFILE = (
    """mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { errors { code } } }"""
)


async def test_the_cv_in_italian_and_spanish(gql: Any, http: Any, alice: Any) -> None:
    # given: Alice shares her CV and reads Spanish
    url = (await share(gql, alice, True))["shareUrl"]
    path = url.removeprefix("http://testserver")
    await gql(PROFILE, {"input": {"locale": "es"}}, as_=alice)
    # when
    spanish = (await http.get(path)).text
    italian = (await http.get(path + "?locale=it")).text
    english = (await http.get(path + "?locale=en-GB")).text
    # then
    assert "<html lang=es>" in spanish and "CV de voluntariado" in spanish
    assert "Todavía no hay valoraciones" in spanish and english_left(spanish) == []
    assert "<html lang=it>" in italian and "Ancora nessuna recensione" in italian
    assert english_left(italian) == []
    assert "Volunteer CV" in english and "No reviews yet" in english
