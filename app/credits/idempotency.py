"""Idempotent money-moving requests (as Stripe and TigerBeetle do it).

The key, a hash of the request and its result are stored in the same transaction as the
effect. The same key with the same request returns the stored result; with a different request
it is an error. A concurrent retry waits on the key's unique index until the first commits.
"""

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from tortoise import Tortoise

from app.actor import Actor
from app.credits.errors import CreditsErrorCode as E
from app.credits.models import IdempotencyKey
from app.errors import DomainError
from app.i18n import _

MAX_KEY = 100


def request_hash(operation: str, params: dict[str, Any]) -> str:
    body = orjson.dumps({"op": operation, **params}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def check_key(key: str) -> None:
    if not 8 <= len(key) <= MAX_KEY:
        raise DomainError(
            E.INVALID, _("Use an idempotency key of 8 to 100 characters."), "idempotencyKey"
        )


def idempotency_mismatch() -> DomainError:
    return DomainError(
        E.IDEMPOTENCY_MISMATCH,
        _("This idempotency key was used for a different request."),
        "idempotencyKey",
    )


async def once(
    *,
    actor: Actor,
    key: str,
    operation: str,
    params: dict[str, Any],
    effect: Callable[[], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Runs `effect` once per (member, key); call inside the use case's transaction."""
    check_key(key)
    digest = request_hash(operation, params)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "INSERT INTO idempotency_key (hub_id, member_id, key, operation, request_hash, result,"
        " created_at) VALUES ($1, $2, $3, $4, $5, '{}', now())"
        " ON CONFLICT (hub_id, member_id, key) DO NOTHING RETURNING id",
        [actor.hub_id, actor.member_id, key, operation, digest],
    )
    if not rows:
        return await _replay(actor, key, digest)
    result = await effect()
    await IdempotencyKey.filter(id=rows[0]["id"]).update(result=result)
    return result


async def _replay(actor: Actor, key: str, digest: str) -> dict[str, Any]:
    stored = await IdempotencyKey.get(hub_id=actor.hub_id, member_id=actor.member_id, key=key)
    if stored.request_hash != digest:
        raise idempotency_mismatch()
    return stored.result
