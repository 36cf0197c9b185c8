"""The worker process: ORM up, arq worker running the outbox jobs and the periodic sweeps."""

import asyncio
from typing import Any

from tortoise import Tortoise

from app.config import get_settings
from app.db import tortoise_config
from app.jobs.queue import Periodic, close_pools, make_worker, worker_settings
from workers.tasks import (
    credits_housekeeping,
    opportunity_housekeeping,
    run_outbox_job,
    send_digests,
    sweep_outbox,
)


async def startup(ctx: dict[str, Any]) -> None:
    await Tortoise.init(config=tortoise_config())


async def shutdown(ctx: dict[str, Any]) -> None:
    await close_pools()
    await Tortoise.close_connections()


def build_settings(*, burst: bool = False) -> dict[str, Any]:
    return worker_settings(
        tasks=[run_outbox_job],
        periodic=[
            Periodic(sweep_outbox, every_seconds=get_settings().outbox_sweep_seconds),
            Periodic(opportunity_housekeeping, every_seconds=300, timeout=120),
            Periodic(credits_housekeeping, every_seconds=300, timeout=120),
            Periodic(send_digests, every_seconds=600, timeout=300),
        ],
        on_startup=startup,
        on_shutdown=shutdown,
        burst=burst,
    )


def run_worker(*, burst: bool = False) -> None:
    async def main() -> None:
        worker = make_worker(**build_settings(burst=burst))
        # async_run (not main) lets arq's SIGTERM/SIGINT handler cancel the run and finish
        # in-flight jobs within job_completion_wait.
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            pass
        finally:
            await worker.close()

    asyncio.run(main())
