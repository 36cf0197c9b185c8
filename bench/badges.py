"""Benchmark: the nightly badge recompute over a Do-it-sized hub (issue 16).

    createdb -h 127.0.0.1 -U postgres -T ch_bench_hub ch_bench_badges   # a copy, once ready
    uv run python -m bench.badges --database ch_bench_badges [--fill] [--fresh] [--drop]

Migrates the copy (migration 0018 adds the tables and gives every hub the default badge set),
then runs the nightly recompute (`workers.tasks.recompute_badges`, what the periodic worker
runs at 02:00) in a child process set up as the worker is (ORM, settings), twice: the first run
awards everything the records justify, the second finds nothing missed. Reports each run's
time, the awards made per badge, and the child's peak RSS (VmHWM), i.e. the worker's memory for
the job. Goal: under 5 minutes and under 300 MB. Never run it against a database you share:
it writes awards.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.procs import db_url

# What the generator leaves out, so that every metric's statement runs over a full table
# (`--fill`): a review by the poster of every accepted application's opportunity, and the impact
# record of every checked-out booking and returned loan (as app/assets/impact.py would write it;
# giveaways get none: the generated hub has no giveaway requests).
_FILL = (
    """
    INSERT INTO review (hub_id, application_id, author_id, subject_id, rating, comment,
        created_at, updated_at)
    SELECT a.hub_id, a.id, o.poster_id, a.applicant_id, 3 + (a.id % 3)::int, '', a.created_at,
        a.created_at
    FROM application a JOIN opportunity o ON o.id = a.opportunity_id AND o.hub_id = a.hub_id
    WHERE a.status = 'accepted' AND a.applicant_id <> o.poster_id
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO impact_record (hub_id, booking_id, asset_id, category_id, quantity, minutes,
        diverted_g, co2e_g, value_minor, currency, owner_kind, owner_member_id,
        owner_organisation_id, receiver_member_id, receiver_organisation_id, occurred_at,
        created_at)
    SELECT b.hub_id, b.id, s.id, s.category_id, 1,
        (extract(epoch FROM b.ends_at - b.starts_at) / 60)::int, 0, 0, 1500, 'GBP',
        s.owner_kind, s.owner_member_id, s.owner_organisation_id, b.booker_id,
        b.booker_organisation_id, coalesce(b.checked_out_at, b.ends_at), now()
    FROM booking b JOIN asset s ON s.id = b.asset_id AND s.hub_id = b.hub_id
    WHERE b.status = 'checked_out'
    ON CONFLICT DO NOTHING
    """,
    """
    INSERT INTO impact_record (hub_id, loan_id, asset_id, category_id, quantity, minutes,
        diverted_g, co2e_g, value_minor, currency, owner_kind, owner_member_id,
        owner_organisation_id, receiver_member_id, receiver_organisation_id, occurred_at,
        created_at)
    SELECT l.hub_id, l.id, s.id, s.category_id, 1, 0, 2000 + (l.id % 5) * 1000,
        (2000 + (l.id % 5) * 1000) * 3, 800, 'GBP', s.owner_kind, s.owner_member_id,
        s.owner_organisation_id, l.borrower_id, l.borrower_organisation_id,
        coalesce(l.returned_at, l.due_at), now()
    FROM loan l JOIN asset s ON s.id = l.asset_id AND s.hub_id = l.hub_id
    WHERE l.status = 'returned'
    ON CONFLICT DO NOTHING
    """,
    "ANALYZE review",
    "ANALYZE impact_record",
)


async def _fill() -> float:
    from tortoise import Tortoise

    started = time.perf_counter()
    conn = Tortoise.get_connection("default")
    for sql in _FILL:
        await conn.execute_script(sql)
    return round(time.perf_counter() - started, 1)


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def _child() -> dict[str, Any]:
    """One recompute, as the periodic worker runs it; prints its result as JSON."""
    import logging

    from tortoise import Tortoise

    from app.badges import recompute
    from app.db import tortoise_config
    from app.hubs.models import Hub

    logging.basicConfig(level=logging.WARNING)
    await Tortoise.init(config=tortoise_config())
    try:
        started = time.perf_counter()
        per_badge: dict[str, int] = {}
        for hub_id in await Hub.all().order_by("id").values_list("id", flat=True):
            for slug, made in (await recompute.recompute_hub(int(hub_id))).items():  # type: ignore[call-overload]
                per_badge[slug] = per_badge.get(slug, 0) + made
        seconds = time.perf_counter() - started
    finally:
        await Tortoise.close_connections()
    return {
        "seconds": round(seconds, 1),
        "awarded": sum(per_badge.values()),
        "per_badge": per_badge,
        "peak_rss_mb": _vm_hwm_mb(),
    }


async def _counts() -> dict[str, int]:
    from tortoise import Tortoise

    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT (SELECT count(*) FROM member)::bigint AS members,"
        " (SELECT count(*) FROM hours_record WHERE status = 'verified')::bigint AS hours_records,"
        " (SELECT count(*) FROM review)::bigint AS reviews,"
        " (SELECT count(*) FROM impact_record)::bigint AS impact_records,"
        " (SELECT count(*) FROM campaign_pledge)::bigint AS pledges,"
        " (SELECT count(*) FROM application WHERE status = 'accepted')::bigint AS accepted,"
        " (SELECT count(*) FROM badge_class WHERE active)::bigint AS badges,"
        " (SELECT count(*) FROM badge_award)::bigint AS awards"
    )
    return {k: int(v) for k, v in rows[0].items()}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    url = db_url(args.database)
    os.environ.update({"CH_DATABASE_URL": url, "CH_LOG_LEVEL": "WARNING"})
    from app.config import get_settings

    get_settings.cache_clear()
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.migrate import drop_database, migrate_database

    try:
        started = time.perf_counter()
        await migrate_database(url)
        migrated = round(time.perf_counter() - started, 1)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        filled = await _fill() if args.fill else None
        if args.fresh:  # measure a first night again: every award made anew
            await Tortoise.get_connection("default").execute_script("DELETE FROM badge_award")
        before = await _counts()
        await Tortoise.close_connections()
        runs = []
        for _ in range(args.runs):
            done = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bench.badges", "--child"],
                env=os.environ.copy(),
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(runs[-1], flush=True)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        after = await _counts()
        await Tortoise.close_connections()
        result = {"database": args.database, "migrate_seconds": migrated, "fill_seconds": filled,
                  "records": before,
                  "awards_after": after["awards"], "runs": runs}  # fmt: skip
        print(json.dumps(result, indent=1))
        return result
    finally:
        if args.drop:
            await drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ch_bench_badges")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    parser.add_argument(
        "--fill", action="store_true", help="add reviews and impact records the generator omits"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="delete the copy's awards first (a first night)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_child())))
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
