"""The worker process: ORM up, then three arq workers side by side.

- the jobs worker (`<prefix>:queue`): outbox jobs and the outbox sweep, all cut off at
  CH_JOB_TIMEOUT_SECONDS, so whatever a dead worker held comes back within the deadline the
  README states (app/jobs/schedule.py);
- the bulk worker (`<prefix>:bulk`): outbox jobs that are lots of work (the matching's email
  lots), CH_WORKER_BULK_JOBS at a time, so a burst's lots never crowd a matching job out of
  the event loop; same timeouts and recovery as the jobs worker;
- the periodic worker (`<prefix>:periodic`): housekeeping and digests, which may run for
  minutes; on their own queue their long timeouts never hold up a job. A tick killed midway
  runs again at the next tick (or when a worker starts): each is an idempotent sweep.
"""

from typing import Any

import uvloop
from tortoise import Tortoise

from app.citydata.refresh import REFRESH_SECONDS
from app.config import get_settings
from app.db import tortoise_config
from app.jobs.queue import (
    Periodic,
    bulk_queue_name,
    close_pools,
    periodic_queue_name,
    run_workers,
    worker_settings,
)
from workers.tasks import (
    assets_housekeeping,
    business_housekeeping,
    campaign_sweep,
    civic_reminders,
    credits_housekeeping,
    federation_account_links,
    federation_reconcile,
    federation_recover,
    matching_housekeeping,
    moderation_housekeeping,
    opportunity_housekeeping,
    purge_erased_trust_checks,
    recompute_badges,
    refresh_citydata,
    roll_up_sensor_readings,
    run_outbox_job,
    send_digests,
    sweep_outbox,
)


def build_settings(*, burst: bool = False) -> dict[str, Any]:
    """The jobs worker: outbox jobs and the sweep."""
    return worker_settings(
        tasks=[run_outbox_job],
        periodic=[Periodic(sweep_outbox, every_seconds=get_settings().outbox_sweep_seconds)],
        burst=burst,
    )


def build_bulk_settings(*, burst: bool = False) -> dict[str, Any]:
    """The bulk worker: outbox jobs of app.jobs.queue.BULK_JOBS, CH_WORKER_BULK_JOBS at once."""
    return worker_settings(
        tasks=[run_outbox_job],
        periodic=[],
        queue=bulk_queue_name(),
        burst=burst,
        max_jobs=get_settings().worker_bulk_jobs,
    )


def build_periodic_settings(*, burst: bool = False) -> dict[str, Any]:
    """The periodic worker: long housekeeping on its own queue."""
    return worker_settings(
        tasks=[],
        periodic=[
            Periodic(opportunity_housekeeping, every_seconds=300, timeout=120),
            Periodic(
                credits_housekeeping, every_seconds=get_settings().housekeeping_seconds, timeout=120
            ),
            Periodic(send_digests, every_seconds=600, timeout=300),
            Periodic(matching_housekeeping, every_seconds=3600, timeout=120),
            Periodic(
                assets_housekeeping, every_seconds=get_settings().housekeeping_seconds, timeout=120
            ),
            Periodic(business_housekeeping, every_seconds=300, timeout=120),
            Periodic(moderation_housekeeping, every_seconds=300, timeout=120),
            Periodic(
                federation_recover,
                every_seconds=get_settings().federation_recover_seconds,
                timeout=120,
            ),
            Periodic(federation_reconcile, every_seconds=86400, timeout=300, at_hour=4),
            Periodic(
                federation_account_links,
                every_seconds=get_settings().federation_account_links_seconds,
                timeout=300,
            ),
            # Ideas awaiting the council's answer: once a day per idea (data.once holds it).
            Periodic(civic_reminders, every_seconds=3600, timeout=120),
            # Sensor readings into the hourly cells: incremental, one run at a time.
            Periodic(roll_up_sensor_readings, every_seconds=60, timeout=120),
            # Settlements due and not queued (their job lost, or a deadline missed while down).
            Periodic(campaign_sweep, every_seconds=60, timeout=60),
            # Badges an event missed, from the records: nightly, one statement per badge.
            # City data cells, recomputed off the write path (app/citydata/refresh.py).
            Periodic(refresh_citydata, every_seconds=REFRESH_SECONDS, timeout=600),
            Periodic(recompute_badges, every_seconds=86400, timeout=600, at_hour=2),
            Periodic(purge_erased_trust_checks, every_seconds=86400, timeout=120, at_hour=3),
        ],
        queue=periodic_queue_name(),
        burst=burst,
    )


def run_worker(*, burst: bool = False) -> None:
    async def main() -> None:
        await Tortoise.init(config=tortoise_config())
        try:
            await run_workers(
                [
                    build_settings(burst=burst),
                    build_bulk_settings(burst=burst),
                    build_periodic_settings(burst=burst),
                ]
            )
        finally:
            await close_pools()
            await Tortoise.close_connections()

    # The loop the API runs (uvicorn picks uvloop), so workers and API behave alike. No speed
    # is claimed for it: the service path measured the same on both loops (bench/README).
    uvloop.run(main())
