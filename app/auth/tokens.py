"""Opaque bearer tokens: random, prefixed by kind, stored only as SHA-256 hashes."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from app.auth.models import AuthToken, TokenKind
from app.config import get_settings

PREFIX = {
    TokenKind.ACCESS: "cha_",
    TokenKind.REFRESH: "chr_",
    TokenKind.VERIFY_EMAIL: "chv_",
    TokenKind.RESET_PASSWORD: "chp_",
}
MAX_TOKEN_LENGTH = 100


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def ttl(kind: TokenKind) -> timedelta:
    s = get_settings()
    seconds = {
        TokenKind.ACCESS: s.access_token_ttl_seconds,
        TokenKind.REFRESH: s.refresh_token_ttl_seconds,
        TokenKind.VERIFY_EMAIL: s.email_token_ttl_seconds,
        TokenKind.RESET_PASSWORD: s.reset_token_ttl_seconds,
    }[kind]
    return timedelta(seconds=seconds)


async def issue(
    *, kind: TokenKind, hub_id: int, member_id: int, session_id: int | None = None
) -> tuple[str, AuthToken]:
    """Creates a token and returns the raw value (shown once) with its stored row."""
    raw = PREFIX[kind] + secrets.token_urlsafe(32)
    row = await AuthToken.create(
        kind=kind,
        hub_id=hub_id,
        member_id=member_id,
        session_id=session_id,
        token_hash=digest(raw),
        expires_at=datetime.now(UTC) + ttl(kind),
    )
    return raw, row


def looks_like(raw: str, kind: TokenKind) -> bool:
    return len(raw) <= MAX_TOKEN_LENGTH and raw.startswith(PREFIX[kind])
