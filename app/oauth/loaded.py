"""What one OAuth request needs, loaded before Authlib runs, and what it wrote, applied after.

Authlib's server is synchronous; our database is not. So each endpoint first loads the rows the
request names (its client, code, refresh token or token), Authlib decides on them, and its
hooks only queue writes. The writes then run in one transaction, each guarded by the state
Authlib saw (a code still unused, a refresh token still live): when two requests race with the
same code, one wins and the other answers invalid_grant, with nothing written.
"""

import base64
import binascii
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote

from tortoise.transactions import in_transaction

from app.oauth import bearer
from app.oauth.authlib_models import Client, Code, Token
from app.oauth.models import ApiClient, OAuthCode, OAuthGrant, OAuthToken, OAuthTokenKind

Write = Callable[[], Awaitable[bool]]


class Lost(Exception):
    """A guarded write found the state changed since it was loaded (a race): nothing written."""


@dataclass
class Loaded:
    client: Client | None = None
    code: Code | None = None
    refresh: Token | None = None
    token: Token | None = None
    writes: list[Write] = field(default_factory=list)
    issued: dict[str, str] = field(default_factory=dict)


_current: ContextVar[Loaded] = ContextVar("oauth_loaded")


def current() -> Loaded:
    return _current.get()


def start(loaded: Loaded) -> None:
    _current.set(loaded)


def client_id_of(form: dict[str, str], authorization: str | None) -> str | None:
    """The client id of HTTP Basic credentials (RFC 6749 2.3.1) or of the form."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return unquote(decoded.partition(":")[0])
    return form.get("client_id")


async def load(
    *,
    client_id: str | None,
    code: str | None = None,
    refresh_token: str | None = None,
    token: str | None = None,
) -> Loaded:
    """The rows the request names (live ones only; a reused code or refresh token is
    punished here, RFC 6749 4.1.2 and 10.4: the tokens issued from it are revoked)."""
    loaded = Loaded()
    row = None
    if client_id and len(client_id) <= 40:
        row = await ApiClient.get_or_none(client_id=client_id, suspended_at=None)
    if row is None:
        return loaded
    loaded.client = Client(row)
    if code and len(code) <= 100:
        loaded.code = await _code(row, code)
    if refresh_token and len(refresh_token) <= bearer.MAX_LENGTH:
        loaded.refresh = await _refresh(row, refresh_token)
    if token and len(token) <= bearer.MAX_LENGTH:
        loaded.token = await _token(row, token)
    return loaded


async def _code(client: ApiClient, raw: str) -> Code | None:
    found = await OAuthCode.get_or_none(code_hash=bearer.digest(raw), hub_id=client.hub_id)
    if found is None:
        return None
    grant = await OAuthGrant.get_or_none(id=found.grant_id, hub_id=client.hub_id)
    if grant is None or grant.client_id != client.id:
        return None
    if found.used_at is not None:
        await OAuthToken.filter(code_id=found.id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
        return None
    if grant.revoked_at is not None or found.expires_at <= datetime.now(UTC):
        return None
    return Code(found, grant.member_id)


async def _refresh(client: ApiClient, raw: str) -> Token | None:
    found = await OAuthToken.get_or_none(
        token_hash=bearer.digest(raw), kind=OAuthTokenKind.REFRESH, client_id=client.id
    )
    if found is None:
        return None
    if found.revoked_at is not None and found.grant_id is not None:
        # A spent refresh token came back: it may be stolen; end the whole grant's tokens.
        await OAuthToken.filter(grant_id=found.grant_id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
        return None
    token = await _with_grant(client, found)
    return None if token.is_revoked() or token.is_expired() else token


async def _token(client: ApiClient, raw: str) -> Token | None:
    found = await OAuthToken.get_or_none(token_hash=bearer.digest(raw), hub_id=client.hub_id)
    return None if found is None else await _with_grant(client, found)


async def _with_grant(client: ApiClient, row: OAuthToken) -> Token:
    revoked = False
    if row.grant_id is not None:
        grant = await OAuthGrant.get_or_none(id=row.grant_id, hub_id=row.hub_id)
        revoked = grant is None or grant.revoked_at is not None
    owner = client.client_id if row.client_id == client.id else ""
    return Token(row, owner, grant_revoked=revoked)


async def apply(loaded: Loaded) -> None:
    """Runs the queued writes in one transaction; Lost (all rolled back) when one is stale."""
    if not loaded.writes:
        return
    async with in_transaction():
        for write in loaded.writes:
            if not await write():
                raise Lost()
