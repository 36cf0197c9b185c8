"""Bulk work yields to urgent work of the same worker process.

A burst of publishes queues its matching jobs (urgent: each is a listing whose members are
waiting to hear of it) and, from every batch, lots of a hundred emails (bulk: the notification
is already stored and announced live; the email can come seconds later). On two cores the lots'
CPU (building and handing over ~20,000 messages) was taken from the batches. So a bulk job
calls `give_way` between steps: while any urgent job of this process is running or waiting
for its turn, it waits, up to its budget, which keeps it well inside the job timeout. In a
burst every worker process has matching jobs waiting for the hub's lock, so every process's
lots wait; they catch up once the burst is matched.

A counter per process, not per event loop: `urgent()` always undoes what it did.
"""

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

_urgent = 0
# Set while no urgent work is in progress; of the running loop (one per process, but tests
# start a loop per test: an Event is bound to the loop it first waited in).
_idle: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None


def _idle_event() -> asyncio.Event:
    global _idle
    loop = asyncio.get_running_loop()
    if _idle is None or _idle[0] is not loop:
        _idle = (loop, asyncio.Event())
        if _urgent == 0:
            _idle[1].set()
    return _idle[1]


@contextmanager
def urgent() -> Iterator[None]:
    """Marks urgent work in progress in this process for the block's duration (inside a
    coroutine)."""
    global _urgent
    idle = _idle_event()
    _urgent += 1
    idle.clear()
    try:
        yield
    finally:
        _urgent -= 1
        if _urgent == 0:
            idle.set()


def busy() -> bool:
    """Is urgent work running or waiting in this process?"""
    return _urgent > 0


class Budget:
    """How long one bulk job may still wait, in all (`give_way` spends it)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    async def give_way(self) -> None:
        """Waits while urgent work is in progress, for at most what is left of the budget."""
        if not busy() or self.left <= 0:
            return
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.left):
                await _idle_event().wait()
        except TimeoutError:
            pass
        self.left -= time.monotonic() - started
