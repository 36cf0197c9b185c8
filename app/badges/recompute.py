"""The nightly recompute: every active badge of every hub against the records, to award whatever
an event missed (a lost job, a badge defined after the fact, a share completed by a flow that
emits no event). Set-based and streaming: one INSERT ... SELECT ... ON CONFLICT DO NOTHING per
badge, computed in PostgreSQL, so the worker holds no rows whatever the hub's size. Each
statement commits alone: a run killed midway has kept what it wrote, and the next run (or a
rerun) skips those holders (the anti-join, then the unique constraint).
"""

import logging
import time
from datetime import UTC, datetime

from app import jobs
from app.badges.awards import NOTIFY_JOB, award_by_rule
from app.badges.models import BadgeClass
from app.hubs.models import Hub

log = logging.getLogger(__name__)


async def recompute_hub(hub_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """Awards every active badge of the hub to whoever reaches it; {badge slug: awards made}."""
    now = now or datetime.now(UTC)
    made: dict[str, int] = {}
    for badge in await BadgeClass.filter(hub_id=hub_id, active=True).order_by("id"):
        started = time.monotonic()
        made[badge.slug] = await award_by_rule(badge, now=now)
        log.info(
            "badge recompute",
            extra={
                "hub_id": hub_id,
                "badge": badge.slug,
                "awarded": made[badge.slug],
                "seconds": round(time.monotonic() - started, 2),
            },
        )
    if any(made.values()):
        async with jobs.collecting() as ids:  # handed to the queue now, not at the next sweep
            await jobs.enqueue(
                NOTIFY_JOB,
                {"hub_id": hub_id},
                key=f"{NOTIFY_JOB}:recompute:{hub_id}:{now.isoformat()}",
            )
        await jobs.relay_collected(ids)
    return made


async def recompute_all(*, now: datetime | None = None) -> int:
    """Every hub, one after the other; returns awards made."""
    total = 0
    hub_ids: list[int] = await Hub.all().order_by("id").values_list("id", flat=True)  # type: ignore[assignment]
    for hub_id in hub_ids:
        made = await recompute_hub(hub_id, now=now)
        total += sum(made.values())
    return total
