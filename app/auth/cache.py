"""Recently seen access tokens, remembered in this process (issue 15).

A signed-in request costs no statement when its token was seen within
CH_AUTH_CACHE_SECONDS, and one (token, member, hub and roles together) otherwise.

What ends a token's entry:
- in this process, at once: logout, password reset, a replayed refresh token, a role granted
  or taken, a member row saved (suspension, profile), a hub's settings changed;
- in every other process, through Redis pub/sub (channel `<CH_REDIS_PREFIX>:auth:forget`),
  as soon as the message arrives (milliseconds on loopback);
- at the latest when the entry is CH_AUTH_CACHE_SECONDS old, or when the token expires.

Entries are only served while this process is subscribed to the channel: until the
subscription is confirmed, after it drops (Redis restarted, network) and until it is back,
every request reads the database, and a (re)subscription empties the cache, since messages
sent meanwhile are lost. So a lost message can only delay the end of a token by the TTL when
Redis loses a published message while the subscription itself stays up.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis.asyncio as aioredis

from app.config import get_settings

log = logging.getLogger(__name__)

MAX_ENTRIES = 50_000
RETRY_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Entry:
    """What authenticate needs of a token, as rows (fresh model objects are built per
    request, so one request can never change what another one sees: copies of `models`, the
    member and hub built once, whose field values are all immutable)."""

    member: Mapping[str, Any]
    hub: Mapping[str, Any]
    roles: tuple[str, ...]
    session_id: int | None
    expires_at: datetime
    until: float  # time.monotonic() after which the entry is not served
    models: tuple[Any, Any] | None = None  # (Member, Hub) built from the rows, never handed out

    @property
    def member_id(self) -> int:
        return int(self.member["id"])

    @property
    def hub_id(self) -> int:
        return int(self.hub["id"])


class _State:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.live = False  # subscribed: entries may be served
        self.up = asyncio.Event()  # set while live
        self.listener: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client: aioredis.Redis | None = None


_state = _State()


def channel() -> str:
    return f"{get_settings().redis_prefix}:auth:forget"


def ttl_seconds() -> float:
    return float(get_settings().auth_cache_seconds)


def get(token_digest: str) -> Entry | None:
    """The remembered entry of a token, if it may be served now."""
    _ensure_listener()
    if not _state.live:
        return None
    entry = _state.entries.get(token_digest)
    if entry is None:
        return None
    if entry.until <= time.monotonic():
        _state.entries.pop(token_digest, None)
        return None
    return entry


def put(token_digest: str, entry: Entry) -> None:
    if not _state.live or ttl_seconds() <= 0:
        return
    if len(_state.entries) >= MAX_ENTRIES:
        _state.entries.clear()
    _state.entries[token_digest] = entry


def is_live() -> bool:
    """Whether entries are served: subscribed to the revocation channel."""
    return _state.live


def size() -> int:
    return len(_state.entries)


def drop_local(*, member_id: int | None = None, hub_id: int | None = None) -> None:
    """Forgets this process's entries of the member (or of every member of the hub)."""
    for key, entry in list(_state.entries.items()):
        if entry.member_id == member_id or entry.hub_id == hub_id:
            _state.entries.pop(key, None)


def clear() -> None:
    _state.entries.clear()


async def forget(*, member_id: int | None = None, hub_id: int | None = None) -> None:
    """Forgets the member's (or the hub's) tokens here and tells every other process.

    Call it after the change is committed: a process that read the old rows before the
    commit would otherwise remember them again."""
    drop_local(member_id=member_id, hub_id=hub_id)
    await _publish(_message(member_id, hub_id))


def forget_soon(*, member_id: int | None = None, hub_id: int | None = None) -> None:
    """For changes seen inside a transaction (model signals): forgets here now and tells the
    other processes without waiting. A request of another process that reads the old row
    between this message and the commit remembers it for up to the TTL: services that end
    access (logout, password reset, roles) call `forget` after their commit instead."""
    drop_local(member_id=member_id, hub_id=hub_id)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(_publish(_message(member_id, hub_id)))
    _background.add(task)
    task.add_done_callback(_background.discard)


_background: set[asyncio.Task[None]] = set()
# Marks this process's own messages, which its listener skips (it forgot at once already, and
# an echo arriving later would make what a request costs depend on timing).
_ORIGIN = uuid.uuid4().hex[:12]


def _message(member_id: int | None, hub_id: int | None) -> str:
    what = f"m:{member_id}" if member_id is not None else f"h:{hub_id}"
    return f"{_ORIGIN}|{what}"


async def _publish(message: str) -> None:
    try:
        await _client().publish(channel(), message)
    except Exception:  # the other processes' TTL still bounds it
        log.warning("could not publish a token revocation", exc_info=True)


async def ready(within: float = 2.0) -> bool:
    """Waits until entries may be served (the subscription is up); False after `within` s."""
    _ensure_listener()
    if not _state.live:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await _state.up.wait()
    return _state.live


def _client() -> aioredis.Redis:
    loop = asyncio.get_running_loop()
    if _state.client is None or _state.loop is not loop:
        _reset_for(loop)
    assert _state.client is not None
    return _state.client


def _reset_for(loop: asyncio.AbstractEventLoop) -> None:
    """A new event loop (tests, a second app in the process) starts over."""
    _state.entries.clear()
    _state.live = False
    _state.up = asyncio.Event()
    _state.listener = None
    _state.loop = loop
    _state.client = aioredis.Redis.from_url(get_settings().redis_url)


def _ensure_listener() -> None:
    if ttl_seconds() <= 0:
        return
    loop = asyncio.get_running_loop()
    if _state.loop is not loop or _state.client is None:
        _reset_for(loop)
    if _state.listener is None or _state.listener.done():
        _state.listener = loop.create_task(_listen(), name="auth-cache-listener")


async def _listen() -> None:
    """Keeps the subscription up; entries are served only while it is."""
    while True:
        pubsub = _client().pubsub()
        try:
            await pubsub.subscribe(channel())
            async for message in pubsub.listen():
                kind = message.get("type")
                if kind == "subscribe":
                    _state.entries.clear()  # what was sent while we were away is lost
                    _state.live = True
                    _state.up.set()
                elif kind == "message":
                    _apply(message.get("data"))
        except asyncio.CancelledError:
            _state.live = False
            raise
        except Exception:
            log.warning("token revocation channel lost; reading tokens from the database")
        finally:
            _state.live = False
            _state.up.clear()
            _state.entries.clear()
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        await asyncio.sleep(RETRY_SECONDS)


def _apply(data: object) -> None:
    text = data.decode() if isinstance(data, bytes) else str(data)
    origin, _, what = text.rpartition("|")
    if origin == _ORIGIN:
        return
    kind, _, value = what.partition(":")
    if not value.isdigit():
        return
    if kind == "m":
        drop_local(member_id=int(value))
    elif kind == "h":
        drop_local(hub_id=int(value))


async def stop() -> None:
    """Ends the listener (app shutdown)."""
    listener, client = _state.listener, _state.client
    _state.listener, _state.live = None, False
    _state.entries.clear()
    if listener is not None and not listener.done():
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener
    if client is not None and _state.loop is asyncio.get_running_loop():
        await client.aclose()
        _state.client = None
