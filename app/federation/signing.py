"""Signed messages between installations: RFC 9421 HTTP Message Signatures, Ed25519.

Each side of a link has its own key pair, made when the link is agreed; the public keys are
exchanged then (app/federation/remote.py). A message is a POST of a JSON body; the signature
covers the method, the target URI and the body's Content-Digest (RFC 9530), and is at most
MAX_AGE old. The body names the link (its `pair`) and carries the message's own id: the
receiver answers a repeated id with its first answer and writes nothing.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException

MAX_AGE = timedelta(minutes=5)
COVERED = ("@method", "@target-uri", "content-digest")
TAG = "communityhub-federation"


class BadSignature(Exception):
    """The message is not signed by the link's partner, or not as required."""


def new_key_pair() -> tuple[str, str]:
    """(private key PEM, public key in base64 raw form) of a fresh Ed25519 key."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return private, base64.b64encode(public).decode()


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
        private: Callable[[str], bytes] | None = None,
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
        key_resolver=_Keys(private=lambda _: private_pem.encode()),
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
