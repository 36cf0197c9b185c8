"""Domain events: emitted inside the use case's transaction, one outbox job per subscriber.

A subscriber is an idempotent async function registered with `@subscribe("hours.verified")`;
each gets its own job (keyed by the event key and its name), so one failing subscriber is
retried without re-running the others, and a duplicate emit is a no-op.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from app import jobs
from app.jobs.registry import forget, job, load_handlers

Subscriber = Callable[..., Awaitable[Any]]
_subscribers: dict[str, dict[str, Subscriber]] = {}


def subscribe(event: str) -> Callable[[Subscriber], Subscriber]:
    def register(fn: Subscriber) -> Subscriber:
        name = f"{fn.__module__}.{fn.__qualname__}"
        _subscribers.setdefault(event, {})[name] = fn
        job(f"event:{event}:{name}")(fn)
        return fn

    return register


def unsubscribe(event: str, fn: Subscriber) -> None:
    """Takes a subscriber off again (e.g. one a test registered for itself alone)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _subscribers.get(event, {}).pop(name, None)
    forget(f"event:{event}:{name}")


def subscribers(event: str) -> dict[str, Subscriber]:
    load_handlers()
    return dict(_subscribers.get(event, {}))


async def emit(event: str, payload: dict[str, Any], *, key: str) -> int:
    """Queues the event for every subscriber; `key` makes it exactly-once. Returns jobs queued."""
    queued = 0
    for name in subscribers(event):
        if await jobs.enqueue(f"event:{event}:{name}", payload, key=f"event:{event}:{key}:{name}"):
            queued += 1
    return queued
