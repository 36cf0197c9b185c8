"""OAuth access tokens on the API: the token's member, acting within the token's scopes.

One statement reads the token with its client (not suspended), its grant (not revoked), the
member, the hub and the member's roles. OAuth tokens skip the session token cache
(app/auth/cache.py), so revoking one (RFC 7009, a member revoking a connected app, a client
suspended) ends it on the next request in every process.
"""

import hashlib
import secrets
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from tortoise import Tortoise

from app.actor import Actor
from app.errors import NotAuthenticated
from app.hubs.models import Hub
from app.i18n import _
from app.oauth.models import OAuthTokenKind
from app.people.models import Member, MemberStatus, Role

ACCESS_PREFIX = "cho_"
REFRESH_PREFIX = "chor_"
MAX_LENGTH = 100


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(kind: OAuthTokenKind) -> str:
    prefix = ACCESS_PREFIX if kind == OAuthTokenKind.ACCESS else REFRESH_PREFIX
    return prefix + secrets.token_urlsafe(32)


def is_access_token(raw: str) -> bool:
    return raw.startswith(ACCESS_PREFIX) and len(raw) <= MAX_LENGTH


async def authenticate(raw: str) -> Actor:
    """The actor of an OAuth access token, or NotAuthenticated. Never a guest's (a partner
    hub's member acting here, app/federation/guests.py): a guest cannot connect an app
    (app/web/consent.py), and a token issued before that rule is refused everywhere."""
    actor = await _authenticate(raw)
    if actor.guest:
        raise NotAuthenticated(_("A guest of this hub cannot connect apps."))
    return actor


async def _authenticate(raw: str) -> Actor:
    if not is_access_token(raw):
        raise NotAuthenticated(_("The access token is not valid."))
    connection = Tortoise.get_connection("default")
    rows = await connection.execute_query_dict(_sql(), [digest(raw), OAuthTokenKind.ACCESS])
    if not rows:
        raise NotAuthenticated(_("The access token is not valid."))
    row = rows[0]
    if row["revoked_at"] is not None or row["grant_revoked_at"] is not None:
        raise NotAuthenticated(_("The access token has been revoked."))
    if row["client_suspended_at"] is not None:
        raise NotAuthenticated(_("This app is suspended by the hub."))
    if row["expires_at"] <= datetime.now(UTC):
        raise NotAuthenticated(_("The access token has expired: refresh it."))
    member_row = {k[3:]: v for k, v in row.items() if k.startswith("m__")}
    if member_row["status"] == MemberStatus.SUSPENDED:
        raise NotAuthenticated(_("This account is suspended."))
    member = Member._init_from_db(**member_row)
    member.hub = Hub._init_from_db(**{k[3:]: v for k, v in row.items() if k.startswith("h__")})
    return Actor(
        member=member,
        roles=frozenset(Role(r) for r in row["roles"]),
        scopes=frozenset(_names(row["scopes"])),
        api_client_id=row["api_client_id"],
    )


def _names(value: Any) -> list[str]:
    """The scopes column as asyncpg hands jsonb over (text) or already decoded."""
    names = orjson.loads(value) if isinstance(value, str | bytes) else value
    return [str(n) for n in names] if isinstance(names, list) else []


@cache
def _sql() -> str:
    def columns(model: Any, alias: str) -> str:
        names = sorted(model._meta.db_fields)
        return ", ".join(f'{alias}."{c}" AS "{alias}__{c}"' for c in names)

    return (
        "SELECT t.expires_at, t.revoked_at, t.scopes, t.client_id AS api_client_id,"
        " c.suspended_at AS client_suspended_at, g.revoked_at AS grant_revoked_at,"
        f" {columns(Member, 'm')}, {columns(Hub, 'h')},"
        " ARRAY(SELECT r.role FROM member_role r WHERE r.member_id = m.id"
        " AND r.hub_id = m.hub_id ORDER BY r.role) AS roles"
        " FROM oauth_token t JOIN api_client c ON c.id = t.client_id AND c.hub_id = t.hub_id"
        " LEFT JOIN oauth_grant g ON g.id = t.grant_id AND g.hub_id = t.hub_id"
        " JOIN member m ON m.id = t.member_id AND m.hub_id = t.hub_id"
        " JOIN hub h ON h.id = t.hub_id"
        " WHERE t.token_hash = $1 AND t.kind = $2"
    )
