"""One Redis client per event loop and purpose, made when first needed.

A redis.asyncio client is bound to the event loop that first used it, and the tests run many
loops in one process, so clients are kept per loop (the loop object is the key: an id() could
be reused by a later loop). Probes and persisted-document lookups want to fail fast when
Redis is away; budgets and live notifications wait as long as Redis needs.
"""

import asyncio
from typing import Literal

import redis.asyncio as aioredis

from app.config import get_settings

Purpose = Literal["budgets", "documents", "live", "probes"]
_FAIL_FAST: frozenset[Purpose] = frozenset({"documents", "probes"})
_clients: dict[asyncio.AbstractEventLoop, dict[Purpose, aioredis.Redis]] = {}


def client(purpose: Purpose) -> aioredis.Redis:
    mine = _clients.setdefault(asyncio.get_running_loop(), {})
    if purpose not in mine:
        url = get_settings().redis_url
        mine[purpose] = (
            aioredis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            if purpose in _FAIL_FAST
            else aioredis.Redis.from_url(url)
        )
    return mine[purpose]


async def close() -> None:
    """Closes this event loop's clients (an app's shutdown, a test's end)."""
    for found in _clients.pop(asyncio.get_running_loop(), {}).values():
        await found.aclose()
