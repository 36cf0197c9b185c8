"""bench/generate runs at --scale 0.01 inside the suite, so it never rots."""

import uuid

import asyncpg

from bench.generate import generate
from bench.procs import db_url


async def test_generator_at_scale_001_loads_a_consistent_hub() -> None:
    name = f"ch_test_gen_{uuid.uuid4().hex[:8]}"
    from app.migrate import drop_database

    try:
        result = await generate(name, 0.01, seed=7, quiet=True)
        assert result["counts"]["members"] == 6000
        conn = await asyncpg.connect(db_url(name).replace("postgres://", "postgresql://", 1))
        try:
            counts = {
                t: await conn.fetchval(f"SELECT count(*) FROM {t}")
                for t in (
                    "member",
                    "organisation",
                    "opportunity",
                    "application",
                    "hours_record",
                    "saved_search",
                )
            }
            assert counts == {
                "member": 6000,
                "organisation": 50,
                "opportunity": 10000,
                "application": 30000,
                "hours_record": 10000,
                "saved_search": 1000,
            }
            assert await conn.fetchval("SELECT sum(balance) FROM account") == 0
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM account a WHERE balance <> (SELECT coalesce(sum(amount), 0)"
                    " FROM entry e WHERE e.account_id = a.id)"
                )
                == 0
            )
            assert (
                await conn.fetchval("SELECT count(*) FROM transfer WHERE kind = 'earn'")
                == counts["hours_record"]
            )
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM account WHERE kind = 'member' AND balance < 0"
                )
                == 0
            )
            assert (
                await conn.fetchval("SELECT count(*) FROM opportunity WHERE status = 'published'")
                == 2000
            )
        finally:
            await conn.close()
    finally:
        await drop_database(db_url(name))
