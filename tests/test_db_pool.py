"""A pooled connection goes back without asyncpg's reset statement (app.db.keep_session), and
its next user still finds a fresh session: no transaction, no lock, default settings."""

from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.db import keep_session

LOCKS = "SELECT count(*) AS n FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'"


async def _pool() -> Any:
    connection = Tortoise.get_connection("default")
    await connection.execute_query("SELECT 1")  # the pool is made at first use
    pool = connection._pool  # type: ignore[attr-defined]
    assert pool is not None
    return pool


async def test_the_pool_releases_connections_without_the_reset_statement() -> None:
    assert (await _pool())._reset is keep_session


async def test_a_transactions_settings_and_locks_end_with_it() -> None:
    pool = await _pool()
    # given a transaction that set work_mem locally and took an advisory lock
    async with pool.acquire() as con:
        pid = await con.fetchval("SELECT pg_backend_pid()")
        default = await con.fetchval("SELECT current_setting('work_mem')")
        async with con.transaction():
            await con.execute("SET LOCAL work_mem = '77MB'")
            await con.execute("SELECT pg_advisory_xact_lock(4242)")
    # when the connection is taken again (the pool hands out the last one released)
    async with pool.acquire() as con:
        assert await con.fetchval("SELECT pg_backend_pid()") == pid
        # then nothing of it is left
        assert await con.fetchval("SELECT current_setting('work_mem')") == default
        assert (await con.fetchrow(LOCKS))["n"] == 0
        assert not con.is_in_transaction()


async def test_a_transaction_left_open_is_rolled_back_before_the_next_user() -> None:
    pool = await _pool()
    # given a connection released in the middle of a transaction that wrote a row
    async with pool.acquire() as con:
        pid = await con.fetchval("SELECT pg_backend_pid()")
        await con.execute("CREATE TABLE IF NOT EXISTS pool_probe (n int)")
        await con.execute("BEGIN")
        await con.execute("INSERT INTO pool_probe VALUES (1)")
    # when it is taken again
    async with pool.acquire() as con:
        assert await con.fetchval("SELECT pg_backend_pid()") == pid
        # then the transaction was rolled back, the row never written
        assert not con.is_in_transaction()
        assert await con.fetchval("SELECT count(*) FROM pool_probe") == 0
    async with in_transaction() as tx:
        await tx.execute_script("DROP TABLE pool_probe")
