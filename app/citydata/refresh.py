"""Keeping the aggregates fresh without touching the write path.

`citydata_cell` (the base cells) and `citydata_grid` (the answers, with each hub's k) are
materialised views (migrations/0026_citydata.py): writes to opportunities,
hours, transfers, loans and reports pay nothing for it. The periodic worker refreshes it
CONCURRENTLY (readers keep reading the previous contents meanwhile) every REFRESH_SECONDS;
the refresh is idempotent (it recomputes from the records) and one at a time (an advisory
lock: a second worker's tick returns at once). Each refresh is recorded; every answer carries
the time of the last one.
"""

import time
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.citydata.models import CityDataRefresh

REFRESH_SECONDS = 300
_LOCK = 0x43495459  # "CITY": the advisory lock key of the refresh
KEEP = 200  # refresh records kept


async def refresh() -> CityDataRefresh | None:
    """Recomputes the cells (None when another refresh is running)."""
    async with in_transaction() as tx:  # the lock and the refresh on one connection
        got = await tx.execute_query_dict("SELECT pg_try_advisory_xact_lock($1) AS got", [_LOCK])
        if not got[0]["got"]:
            return None
        started = datetime.now(UTC)
        clock = time.perf_counter()
        await tx.execute_script("REFRESH MATERIALIZED VIEW CONCURRENTLY citydata_cell")
        await tx.execute_script("REFRESH MATERIALIZED VIEW CONCURRENTLY citydata_grid")
        took = int((time.perf_counter() - clock) * 1000)
        rows = await tx.execute_query_dict("SELECT count(*)::bigint AS n FROM citydata_cell")
        record = await CityDataRefresh.create(
            started_at=started,
            finished_at=datetime.now(UTC),
            took_ms=took,
            rows=int(rows[0]["n"]),
            using_db=tx,
        )
        await tx.execute_query("DELETE FROM citydata_refresh WHERE id <= $1", [record.id - KEEP])
    return record


async def last() -> CityDataRefresh | None:
    """The last refresh (None: never since the views were created)."""
    return await CityDataRefresh.all().order_by("-id").first()


async def last_refresh() -> datetime | None:
    """When the cells were last recomputed (None: never since they were created)."""
    found = await last()
    return found.finished_at if found else None
