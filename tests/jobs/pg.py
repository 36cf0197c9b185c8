"""Row locks that stop jobs halfway, and ending the database sessions that wait on them.

Only sessions of the test's own database are ever ended (never anybody else's)."""

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from app.config import get_settings

_WAITING = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND wait_event_type = 'Lock'"
)


@pytest.fixture
async def locks() -> AsyncIterator[asyncpg.Connection]:
    """A connection of the test's own that holds row locks in an open transaction."""
    conn = await asyncpg.connect(get_settings().database_url)
    await conn.execute("BEGIN")
    try:
        yield conn
    finally:
        await conn.close()


async def lock_waiters(conn: asyncpg.Connection) -> int:
    """Sessions of the test database waiting for a lock (ours hold them all)."""
    # Inside a transaction pg_stat_activity is read once and kept: read it afresh.
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    return int(await conn.fetchval(f"SELECT count(*) {_WAITING}"))


async def waiting_queries(conn: asyncpg.Connection) -> list[str]:
    """The statements of the sessions waiting for a lock, afresh."""
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    return [r["query"] for r in await conn.fetch(f"SELECT query {_WAITING}")]


def claims(queries: list[str]) -> int:
    """How many of them are job claims (app/jobs/runner.py)."""
    return sum("SET status = 'running'" in q for q in queries)


# The ledger's postings are PostgreSQL functions (migrations/0028_ledger_functions.py,
# 0030_redeem_in_one_statement.py): a session waiting in one shows the call, not the lock
# inside it. Each function's first row lock is on this table.
_LEDGER_FIRST_LOCK = {
    "account": ("ledger_post(", "ledger_hold(", "credits_pay(", "credits_redeem("),
    "transfer": ("ledger_post_hold(", "ledger_void_hold("),
}


def locking(queries: list[str], table: str) -> int:
    """How many of them lock rows of `table` (SELECT ... FOR UPDATE, or a ledger function
    whose first lock is on `table`)."""
    calls = _LEDGER_FIRST_LOCK.get(table, ())
    return sum(
        (f'FROM "{table}"' in q and "FOR UPDATE" in q) or any(c in q for c in calls)
        for q in queries
    )


async def end_waiting_sessions(conn: asyncpg.Connection) -> int:
    """pg_terminate_backend of every session of the test database that waits on a lock;
    returns how many, once they are gone."""
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    pids = [r["pid"] for r in await conn.fetch(f"SELECT pid {_WAITING}")]
    await conn.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids)

    async def gone() -> bool:
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        left = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])", pids
        )
        return int(left) == 0

    await until(gone, 10, "ended sessions still there")
    return len(pids)


async def until(check: Any, seconds: float, what: str, worker: Any = None) -> None:
    """Polls `check` until it is true; fails after `seconds` with the worker's log."""
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, f"{what}\n{worker.tail() if worker else ''}"
        await asyncio.sleep(0.05)
