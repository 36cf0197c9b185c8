"""A remote hub link's URL (issue 22 review): the server posts signed messages there, so a hub
admin must not point it into the server's own network (SSRF)."""

import pytest

from app.errors import DomainError
from app.federation import remote, signing
from app.federation.models import HubLink
from app.people.models import Role
from tests.federation.conftest import Pair, actor


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://169.254.169.254/latest", "unsafe_url"),  # a cloud metadata service
        ("http://10.1.2.3", "unsafe_url"),
        ("http://[::1]:8000", "unsafe_url"),  # loopback, not in the allowed list
        ("ftp://partner.example", "invalid"),
        ("https://user:secret@partner.example", "invalid"),
    ],
)
async def test_a_partner_url_into_the_servers_network_is_refused(
    pair: Pair, url: str, code: str
) -> None:
    # given
    _private, public = signing.new_key_pair()
    # when
    with pytest.raises(DomainError) as refused:
        await remote.connect(
            actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug="far", partner_name="Far",
            partner_url=url, partner_key=public,
        )  # fmt: skip
    # then: typed, on the field, nothing written
    assert (refused.value.code.value, refused.value.field) == (code, "partnerUrl")
    assert not await HubLink.filter(hub_id=pair.hub.id).exists()


async def test_a_link_whose_url_now_points_inside_sends_nothing(pair: Pair) -> None:
    # given: a link made to an allowed address, whose URL later points at a private one
    _private, public = signing.new_key_pair()
    link, _own = await remote.connect(
        actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug="far", partner_name="Far",
        partner_url="http://127.0.0.1:9", partner_key=public,
    )  # fmt: skip
    link.data = {**link.data, "url": "http://10.9.8.7"}
    # when / then: the message is not sent (unreachable: retried, voided at its deadline)
    from app.federation import protocol

    with pytest.raises(protocol.Unreachable):
        await protocol.send(link, {"type": "balance", "pair": str(link.pair)})
