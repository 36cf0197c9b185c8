"""bench/vacuum: the tables a bench run left dead rows in are vacuumed before the next, as
autovacuum would have (this server and CI's run without it)."""

import uuid

import asyncpg

from app.migrate import create_database, drop_database
from bench.procs import db_url
from bench.vacuum import as_autovacuum_would


async def test_a_table_past_autovacuums_threshold_is_vacuumed_and_one_below_is_not() -> None:
    # Given a database where one table lost most of its rows and another one row of 1,000
    url = db_url(f"ch_test_vacuum_{uuid.uuid4().hex[:8]}").replace("postgres://", "postgresql://")
    await create_database(url)
    try:
        conn = await asyncpg.connect(url)
        try:
            for table in ("churned", "steady"):
                await conn.execute(f"CREATE TABLE {table} (id int PRIMARY KEY)")
                await conn.execute(f"INSERT INTO {table} SELECT generate_series(1, 1000)")
            await conn.execute("SELECT pg_stat_force_next_flush()")  # counted before ANALYZE
            await conn.execute("ANALYZE churned, steady")
            await conn.execute("DELETE FROM churned WHERE id > 100")
            await conn.execute("DELETE FROM steady WHERE id = 1")
            await conn.execute("SELECT pg_stat_force_next_flush()")
            autovacuum = await conn.fetchval("SHOW autovacuum")
        finally:
            await conn.close()

        # When the bench settles it before a scenario
        vacuumed = await as_autovacuum_would(url)

        # Then only the churned table was vacuumed, and its dead rows are gone
        conn = await asyncpg.connect(url)
        try:
            dead = await conn.fetchval(
                "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'churned'"
            )
        finally:
            await conn.close()
        if autovacuum == "on":  # the server's own autovacuum does it: the bench leaves it be
            assert vacuumed == []
        else:
            assert vacuumed == ["churned"]
            assert dead == 0
    finally:
        await drop_database(url)
