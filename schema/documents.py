"""Persisted documents: Apollo's automatic persisted queries (APQ) and a hub's trusted documents.

APQ (what Apollo's PersistedQueryLink speaks): a request carries
`extensions.persistedQuery = {"version": 1, "sha256Hash": h}`. Without a document we run the
one remembered under `h`, or answer `PersistedQueryNotFound` (code PERSISTED_QUERY_NOT_FOUND,
HTTP 200), and the client sends it again with the document. A document whose SHA-256 is not
`h` is refused (PERSISTED_QUERY_HASH_MISMATCH, 400) and does not run; one that runs is
remembered in Redis under CH_REDIS_PREFIX for APQ_TTL_SECONDS, at most APQ_MAX_DOCUMENTS of
at most APQ_MAX_DOCUMENT_CHARS (the oldest go first). Redis being down only costs the
round trip: nothing is found, nothing is remembered.

Trusted documents: a hub with `trustedDocumentsOnly` runs only the documents registered for it
(app/hubs/documents.py), sent by hash alone or in full; anything else is refused with
PERSISTED_QUERY_NOT_IN_LIST (400). The hub of a request is its access token's, or the CH-Hub
header's for anonymous requests.
"""

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from app import redis_clients
from app.config import get_settings
from app.hubs import documents as trusted
from app.hubs.documents import sha256_hex

log = logging.getLogger(__name__)

APQ_TTL_SECONDS = 24 * 3600
APQ_MAX_DOCUMENTS = 5_000
APQ_MAX_DOCUMENT_CHARS = 50_000  # so at most 250 MB in Redis; a few MB in practice
_HASH = re.compile(r"^[0-9a-fA-F]{64}$")


class Refused(Exception):
    """The document cannot run: answered with `errors` (this code) and this HTTP status."""

    def __init__(self, status: int, message: str, *, code: str) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    @property
    def formatted(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code}}


@dataclass(frozen=True)
class Resolved:
    query: str | None
    remember: str | None = None  # the hash to remember the query under once it has run


def not_found() -> Refused:
    # Apollo's link matches the message or the code; the status stays 200 as Apollo Server's.
    return Refused(200, "PersistedQueryNotFound", code="PERSISTED_QUERY_NOT_FOUND")


def not_in_list() -> Refused:
    return Refused(
        400,
        "This hub runs only its registered documents (trusted documents), and this is not"
        " one of them. Register it with `communityhub register-documents`.",
        code="PERSISTED_QUERY_NOT_IN_LIST",
    )


def requested_hash(extensions: object) -> str | None:
    """The `extensions.persistedQuery.sha256Hash` of a request (lower case), if it has one."""
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise Refused(
            400, "Only version 1 of extensions.persistedQuery is supported.", code="BAD_REQUEST"
        )
    value = persisted.get("sha256Hash")
    if not isinstance(value, str) or not _HASH.match(value):
        raise Refused(
            400,
            "extensions.persistedQuery.sha256Hash must be the 64 hex digits of the document's"
            " SHA-256.",
            code="BAD_REQUEST",
        )
    return value.lower()


async def resolve(
    query: str | None, extensions: object, hub_id: int | None, *, trusted_only: bool
) -> Resolved:
    """The document to run for a request of the hub (`trusted_only`: it runs only its
    registered documents), or Refused; never runs anything itself."""
    wanted = requested_hash(extensions)
    trusted_only = trusted_only and hub_id is not None
    if query is not None:
        digest = sha256_hex(query) if wanted is not None or trusted_only else None
        if wanted is not None and digest != wanted:
            raise Refused(
                400,
                "The document's SHA-256 is not extensions.persistedQuery.sha256Hash: it did"
                " not run.",
                code="PERSISTED_QUERY_HASH_MISMATCH",
            )
        if trusted_only:
            assert hub_id is not None and digest is not None
            if await trusted.registered(hub_id, digest) is None:
                raise not_in_list()
            return Resolved(query)
        return Resolved(query, remember=wanted)
    if wanted is None:
        return Resolved(None)  # strawberry answers "No GraphQL query found in the request"
    if trusted_only:
        assert hub_id is not None
        if (body := await trusted.registered(hub_id, wanted)) is None:
            raise not_in_list()
        return Resolved(body)
    if (body := await _cached(wanted)) is None and hub_id is not None:
        body = await trusted.registered(hub_id, wanted)
    if body is None:
        raise not_found()
    return Resolved(body)


def _client() -> aioredis.Redis:
    return redis_clients.client("documents")


def _key(sha256: str) -> str:
    return f"{get_settings().redis_prefix}:apq:{sha256}"


def _index() -> str:
    return f"{get_settings().redis_prefix}:apq:index"


async def _cached(sha256: str) -> str | None:
    try:
        value = await _client().get(_key(sha256))
    except (RedisError, OSError):
        log.warning("persisted query cache unavailable", exc_info=True)
        return None
    return value.decode() if isinstance(value, bytes) else value


async def remember(sha256: str, query: str) -> None:
    """Keeps the document for APQ_TTL_SECONDS; beyond APQ_MAX_DOCUMENTS the oldest go."""
    if len(query) > APQ_MAX_DOCUMENT_CHARS:
        return
    now = time.time()
    try:
        async with _client().pipeline(transaction=False) as pipe:
            pipe.set(_key(sha256), query, ex=APQ_TTL_SECONDS)
            pipe.zadd(_index(), {sha256: now})
            pipe.zremrangebyscore(_index(), "-inf", now - APQ_TTL_SECONDS)
            pipe.zcard(_index())
            *_, count = await pipe.execute()
        if count > APQ_MAX_DOCUMENTS:
            oldest = await _client().zpopmin(_index(), count - APQ_MAX_DOCUMENTS)
            if oldest:
                await _client().delete(*(_key(_text(member)) for member, _ in oldest))
    except (RedisError, OSError):
        log.warning("persisted query cache unavailable", exc_info=True)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
