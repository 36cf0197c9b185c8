"""Live notifications over Redis pub/sub, so every API process hears what any worker sent."""

from collections.abc import AsyncIterator

import redis.asyncio as aioredis

from app import redis_clients
from app.config import get_settings


def _client() -> aioredis.Redis:
    return redis_clients.client("live")


def channel(member_id: int) -> str:
    return f"{get_settings().redis_prefix}:notifications:{member_id}"


async def publish(member_id: int, notification_id: int) -> None:
    """Tells any listening process that the member has a new notification (best effort)."""
    await _client().publish(channel(member_id), str(notification_id))


async def publish_many(pairs: list[tuple[int, int]]) -> None:
    """(member id, notification id) pairs in one round trip."""
    if not pairs:
        return
    async with _client().pipeline(transaction=False) as pipe:
        for member_id, notification_id in pairs:
            pipe.publish(channel(member_id), str(notification_id))
        await pipe.execute()


async def listen(member_id: int) -> AsyncIterator[int]:
    """Notification ids for the member as they are published, until the caller stops."""
    pubsub = _client().pubsub()
    await pubsub.subscribe(channel(member_id))
    try:
        async for message in pubsub.listen():
            if message.get("type") == "message":
                yield int(message["data"])
    finally:
        await pubsub.unsubscribe(channel(member_id))
        await pubsub.aclose()
