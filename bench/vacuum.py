"""What autovacuum would have done by now, on a server that runs without it.

This machine's PostgreSQL runs with `autovacuum = off` (its CI configuration,
/etc/postgresql/15/main/conf.d/90-ci.conf, which the bench leaves alone: tests and CI share the
server). A copy that serves several runs then keeps every dead row of the runs before: after
five matching runs, 287,660 dead notification rows (118 MB for an empty table) that each
burst's inserts and conflict checks went through (burst p95s of 3.8, 6.7 and 5.7 s on the
copy's 2nd, 4th and 5th runs). pgbench, the ceiling of the write scenario, starts each run
on a fresh, vacuumed database.

So before a scenario that writes, the tables past autovacuum's own thresholds (the server's
autovacuum_vacuum_threshold, _scale_factor and the analyze pair) are vacuumed and analysed, as
a production server would have done between runs. Nothing is done when autovacuum is on.
"""

import asyncpg

_DUE = """
SELECT s.relid::regclass::text AS name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.n_dead_tup > current_setting('autovacuum_vacuum_threshold')::float8
        + current_setting('autovacuum_vacuum_scale_factor')::float8 * greatest(c.reltuples, 0)
   OR s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
        + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
ORDER BY 1
"""


async def as_autovacuum_would(database_url: str) -> list[str]:
    """Vacuums and analyses the tables autovacuum would have by now; returns their names."""
    conn = await asyncpg.connect(database_url)
    try:
        if await conn.fetchval("SHOW autovacuum") == "on":
            return []
        names = [r["name"] for r in await conn.fetch(_DUE)]
        for name in names:
            await conn.execute(f"VACUUM (ANALYZE) {name}")
        return names
    finally:
        await conn.close()
