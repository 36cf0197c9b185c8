"""One global-ID encoding (app/ids.py) for the API and what leaves without it (webhooks)."""

import pytest
from strawberry import relay

from app import ids
from schema.relay import encode_id


@pytest.mark.parametrize(("type_name", "pk"), [("Opportunity", 27), ("HoursRecord", 0)])
def test_a_global_id_is_what_the_api_serves_and_node_takes(type_name: str, pk: int) -> None:
    # given: the ID app/ serves
    value = ids.global_id(type_name, pk)
    # then: the API's encoding (strawberry's, which node(id:) parses) is the same string
    assert str(encode_id(type_name, pk)) == value == relay.to_base64(type_name, pk)
    assert relay.GlobalID.from_id(value) == relay.GlobalID(type_name, str(pk))
    # then: and it reads back
    assert ids.parse(value) == (type_name, str(pk))
    assert ids.pk_of(value, type_name) == pk


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not base64!",
        ids.global_id("Member", 1)[:-2],
        relay.to_base64("Member", "x"),
        relay.to_base64("", "1"),
        relay.to_base64("Member", ids.MAX_DB_ID + 1),
    ],
)
def test_anything_else_is_no_id(value: str) -> None:
    with pytest.raises(ValueError):
        ids.pk_of(value, "Member")


def test_an_id_of_another_type_is_refused() -> None:
    with pytest.raises(ValueError):
        ids.pk_of(ids.global_id("Opportunity", 1), "Member")
