"""Links' private signing keys at rest: encrypted with CH_FEDERATION_KEY_PASSPHRASE, so that a
copy of the database alone cannot sign for this installation; older keys sealed by command."""

import json
from typing import Any

import pytest
from pydantic import SecretStr

from app.config import get_settings
from app.federation import protocol, remote, signing
from app.federation.models import HubLink
from app.people.models import Role
from tests.federation.conftest import Pair, actor

URL = "http://127.0.0.1:9/federation/messages"


def _use(monkeypatch: Any, passphrase: str | None) -> None:
    value = SecretStr(passphrase) if passphrase else None
    monkeypatch.setattr(get_settings(), "federation_key_passphrase", value)


def _round_trip(private_pem: str, public: str) -> str:
    headers = signing.sign(URL, b"{}", key_id="k", private_pem=private_pem)
    return signing.verify(URL, headers, b"{}", public=lambda _: signing.public_key(public))


async def _link(pair: Pair) -> HubLink:
    _theirs, public = signing.new_key_pair()
    link, _own = await remote.connect(
        actor=actor(pair.admin, Role.HUB_ADMIN), partner_slug="far", partner_name="Far Hub",
        partner_url="http://127.0.0.1:9", partner_key=public, credit_limit=10,
    )  # fmt: skip
    return link


def test_a_key_made_with_a_passphrase_is_stored_encrypted_and_signs(monkeypatch: Any) -> None:
    # given
    _use(monkeypatch, "correct horse battery staple")
    # when
    private, public = signing.new_key_pair()
    # then: encrypted PKCS#8, and it signs what the public key verifies
    assert private.startswith(signing.ENCRYPTED)
    assert _round_trip(private, public) == "k"
    # without the passphrase, or with another one, it cannot sign
    _use(monkeypatch, None)
    with pytest.raises(signing.KeyLocked):
        signing.sign(URL, b"{}", key_id="k", private_pem=private)
    _use(monkeypatch, "wrong")
    with pytest.raises(signing.KeyLocked):
        signing.sign(URL, b"{}", key_id="k", private_pem=private)


async def test_keys_stored_before_the_passphrase_are_sealed_once_by_the_command(
    pair: Pair, monkeypatch: Any
) -> None:
    # given: a link made before any passphrase was set
    _use(monkeypatch, None)
    link = await _link(pair)
    plain = link.data["own_key"]
    assert not plain.startswith(signing.ENCRYPTED)
    # when: the operator sets one and runs `communityhub federation-encrypt-keys`
    _use(monkeypatch, "s3cret passphrase")
    sealed = await remote.seal_keys()
    again = await remote.seal_keys()
    # then: the row holds the encrypted key only, it still signs, a second run does nothing
    assert sealed >= 1 and again == 0
    stored = (await HubLink.get(id=link.id)).data["own_key"]
    assert stored.startswith(signing.ENCRYPTED) and plain not in json.dumps(
        (await HubLink.get(id=link.id)).data
    )
    assert _round_trip(stored, link.data["own_public"]) == "k"


async def test_a_message_whose_key_cannot_be_read_is_not_sent(pair: Pair, monkeypatch: Any) -> None:
    # given: a link whose key was sealed with a passphrase the process no longer has
    _use(monkeypatch, "first")
    link = await _link(pair)
    _use(monkeypatch, "second")
    # when / then: the message counts as unreachable (retried, then voided by the protocol)
    with pytest.raises(protocol.Unreachable):
        await protocol.send(link, {"type": "balance", "pair": str(link.pair)})
