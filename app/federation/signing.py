"""Signed messages between installations: RFC 9421 HTTP Message Signatures, Ed25519.

Each side of a link has its own key pair, made when the link is agreed; the public keys are
exchanged then (app/federation/remote.py). A message is a POST of a JSON body; the signature
covers the method, the target URI and the body's Content-Digest (RFC 9530), and is at most
MAX_AGE old. The body names the link (its `pair`) and carries the message's own id: the
receiver answers a repeated id with its first answer and writes nothing.

Private keys are stored as PKCS#8 PEM in the link's row, encrypted with
CH_FEDERATION_KEY_PASSPHRASE when it is set (`seal`), so that a copy of the database alone cannot
sign for this installation; a key stored before the passphrase was set stays readable until
`communityhub federation-encrypt-keys` seals it.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

from app.config import get_settings

MAX_AGE = timedelta(minutes=5)
COVERED = ("@method", "@target-uri", "content-digest")
TAG = "communityhub-federation"


class BadSignature(Exception):
    """The message is not signed by the link's partner, or not as required."""


ENCRYPTED = "-----BEGIN ENCRYPTED PRIVATE KEY-----"


class KeyLocked(Exception):
    """A stored private key is encrypted and the passphrase is missing or wrong."""


def _passphrase() -> bytes | None:
    secret = get_settings().federation_key_passphrase
    return secret.get_secret_value().encode() if secret else None


def _pem(key: Ed25519PrivateKey, passphrase: bytes | None) -> str:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()


def new_key_pair() -> tuple[str, str]:
    """(private key PEM, sealed when a passphrase is set; public key in base64 raw form) of a
    fresh Ed25519 key."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return _pem(key, _passphrase()), base64.b64encode(public).decode()


def seal(private_pem: str) -> str | None:
    """The key encrypted with the passphrase; None when there is nothing to do (no passphrase,
    or already encrypted)."""
    passphrase = _passphrase()
    if passphrase is None or private_pem.startswith(ENCRYPTED):
        return None
    return _pem(private_key(private_pem), passphrase)


def private_key(private_pem: str) -> Ed25519PrivateKey:
    """The stored key, decrypted with the passphrase when it is sealed (KeyLocked otherwise)."""
    sealed = private_pem.startswith(ENCRYPTED)
    return _load(private_pem, _passphrase() if sealed else None)


@lru_cache(maxsize=64)  # decrypting derives the key from the passphrase: once per link key
def _load(private_pem: str, passphrase: bytes | None) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(private_pem.encode(), password=passphrase)
    except (ValueError, TypeError) as exc:
        raise KeyLocked("the link's private key cannot be read: check the passphrase") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyLocked("the link's private key is not an Ed25519 key")
    return key


def public_key(raw_b64: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(raw_b64, validate=True))
    except ValueError as exc:
        raise BadSignature("not an Ed25519 public key") from exc


@dataclass
class Message:
    """What the library reads and writes: method, absolute URL, headers."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)


class _Keys(HTTPSignatureKeyResolver):
    def __init__(
        self,
        private: Callable[[str], Ed25519PrivateKey] | None = None,
        public: Callable[[str], Ed25519PublicKey | None] | None = None,
    ) -> None:
        self._private, self._public = private, public

    def resolve_private_key(self, key_id: str):  # type: ignore[no-untyped-def]
        assert self._private is not None
        return self._private(key_id)

    def resolve_public_key(self, key_id: str):  # type: ignore[no-untyped-def]
        assert self._public is not None
        found = self._public(key_id)
        if found is None:
            raise BadSignature(f"unknown key {key_id!r}")
        return found


def sign(url: str, body: bytes, *, key_id: str, private_pem: str) -> dict[str, str]:
    """The headers of a signed POST of `body` to `url`."""
    message = Message("POST", url, {"content-type": "application/json"})
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=_Keys(private=lambda _: private_key(private_pem)),
    )
    signer.sign(message, key_id=key_id, covered_component_ids=COVERED, body=body, tag=TAG)
    return message.headers


def verify(
    url: str,
    headers: dict[str, str],
    body: bytes,
    *,
    public: Callable[[str], Ed25519PublicKey | None],
) -> str:
    """The key id that signed this POST; BadSignature when it is not validly signed."""
    message = Message("POST", url, {k.lower(): v for k, v in headers.items()})
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519, key_resolver=_Keys(public=public)
    )
    try:
        results = verifier.verify(
            message, max_age=MAX_AGE, expect_tag=TAG, require_components=COVERED, body=body
        )
    except (HTTPMessageSignaturesException, ValueError) as exc:
        raise BadSignature(str(exc)) from exc
    return str(results[0].parameters["keyid"])
