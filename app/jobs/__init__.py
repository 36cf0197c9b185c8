"""Background jobs through a transactional outbox.

`enqueue` writes an outbox row in the caller's transaction. After the surrounding request or
task finishes (and so after commit), `relay` hands the new rows to the queue; `sweep` hands
over again any row that is due and that nobody answers for any more (queue down, worker
killed). A rolled-back transaction leaves no row, so its job never runs.
"""

from app.jobs.outbox import (
    collecting,
    enqueue,
    enqueue_many,
    relay_collected,
    relay_ids,
    sweep,
    waiting_values,
)

__all__ = [
    "collecting",
    "enqueue",
    "enqueue_many",
    "relay_collected",
    "relay_ids",
    "sweep",
    "waiting_values",
]
