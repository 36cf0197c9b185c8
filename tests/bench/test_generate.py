"""bench/generate runs at --scale 0.01 inside the suite, so it never rots."""

import asyncio
import os
import subprocess
import sys
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
            await _check_assets(conn)
        finally:
            await conn.close()
        await _check_explain(name)
    finally:
        await drop_database(db_url(name))


async def _check_assets(conn: asyncpg.Connection) -> None:
    """Assets, bookings and loans at scale 0.01 (COPY checked the exclusion constraints)."""
    kinds = dict(await conn.fetch("SELECT kind, count(*) FROM asset GROUP BY kind"))
    assert kinds == {"giveaway": 350, "loan": 100, "bookable": 50}
    assert await conn.fetchval("SELECT count(*) FROM booking") == 5000
    assert await conn.fetchval("SELECT count(*) FROM loan") == 500
    owners = await conn.fetch("SELECT DISTINCT kind, owner_kind FROM asset")
    assert {(r["kind"], r["owner_kind"]) for r in owners} >= {
        ("bookable", "member"),
        ("bookable", "organisation"),
        ("bookable", "hub"),
        ("loan", "hub"),
    }
    # the period covers now: some loans are out, some agreed for later
    loans = dict(await conn.fetch("SELECT status, count(*) FROM loan GROUP BY status"))
    assert loans.get("on_loan", 0) > 0 and loans.get("approved", 0) > 0, loans
    assert await conn.fetchval("SELECT count(*) FROM impact_factor") == await conn.fetchval(
        "SELECT count(*) FROM asset_category"
    )
    # every booking of a bookable with opening hours lies inside one window of its local day
    outside = await conn.fetchval(
        "SELECT count(*) FROM booking b JOIN asset a ON a.id = b.asset_id"
        " WHERE a.opening_hours <> '[]'::jsonb AND NOT EXISTS ("
        "  SELECT 1 FROM jsonb_array_elements(a.opening_hours) w"
        "  WHERE (w->>'weekday')::int = extract(isodow FROM b.starts_at AT TIME ZONE 'Europe/London')"
        "  AND (b.starts_at AT TIME ZONE 'Europe/London')::time >= (w->>'from')::time"
        "  AND (b.ends_at AT TIME ZONE 'Europe/London')"
        "   <= (b.starts_at AT TIME ZONE 'Europe/London')::date + (w->>'to')::time)"
    )
    assert outside == 0
    # the coming weeks have bookings to avoid: a free-slot search has something to skip
    assert (
        await conn.fetchval(
            "SELECT count(*) FROM booking WHERE starts_at > now() AND status = 'confirmed'"
        )
        > 500
    )


async def _check_explain(name: str) -> None:
    """bench/explain finds scenario 7's search statement and explains it (no DDL left)."""
    argv = [sys.executable, "-m", "bench.explain", "--database", name, "--points", "2"]
    argv += ["--warm", "1"]
    argv += ["--try", "CREATE INDEX bench_tried ON asset (kind)"]
    done = await asyncio.to_thread(
        subprocess.run, argv, capture_output=True, text=True, timeout=300, env=os.environ.copy()
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "booking" in done.stdout and "Execution Time" in done.stdout
    assert "on one warm connection, best of 1" in done.stdout
    conn = await asyncpg.connect(db_url(name).replace("postgres://", "postgresql://", 1))
    try:  # the tried index was rolled back
        assert await conn.fetchval("SELECT to_regclass('bench_tried')") is None
    finally:
        await conn.close()
