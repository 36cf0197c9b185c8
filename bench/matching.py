"""Benchmark: matching a published opportunity against a Do-it-sized hub (600,000 members).

    uv run python -m bench.matching [--members 600000] [--opportunities 200] [--burst 200]

Bulk-loads members (COPY) with homes around Greater Manchester, two skills each, availability
and preferences, then publishes opportunities and times `notify_matches` (the worker's job:
from publish to every notification stored and its email job enqueued), p50/p95, and reports
this process's peak RSS (it runs the job as a worker would). Then (issue 19) publishes a burst
of --burst opportunities at once and runs their jobs one after the other in this process: each
job matches its own with every other one not matched yet (batches of up to 50), so the burst
costs a few batches; reports the burst's total and each batch's time. Uses only the PostgreSQL
named by CH_DATABASE_URL; creates and drops its own `ch_bench_*` database, or with
--database NAME matches against that hub as it is (what it publishes is closed at the end).

With --phases it also reports CPU by phase of the job (brief H19m-2): the CPU of this
database's PostgreSQL backends (utime + stime from /proc, so the server must run on this
machine) and of this process, read before and after each phase function of
app.matching.service (whichever of PHASES it has), as means per single publish and per batch
of the burst. Ticks are 10 ms: a phase's mean over 20 publishes is good to a few ms.
"""

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import h3

from bench.procs import cpu_seconds, db_url

RESULTS = Path(__file__).parent / "results"
CENTRE = (53.4794, -2.2453)


async def load(url: str, members: int, rng: random.Random) -> tuple[int, list[int], int]:
    os.environ.update(
        {
            "CH_DATABASE_URL": url,
            "CH_LOG_LEVEL": "WARNING",
            "CH_ARGON2_TIME_COST": "1",
            "CH_ARGON2_MEMORY_KIB": "1024",
        }
    )
    from app.config import get_settings

    get_settings.cache_clear()
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.hubs import service as hubs
    from app.migrate import create_database, migrate_database
    from app.opportunities.models import Category
    from app.people.models import Member, Skill

    await create_database(url)
    await migrate_database(url)
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    hub = await hubs.create_hub(name="Bench city", slug="bench-city")
    skills = [
        await Skill.create(hub_id=hub.id, slug=f"skill-{n}", name=f"Skill {n}") for n in range(20)
    ]
    await Category.create(hub_id=hub.id, slug="general", name="General")
    poster = await Member.create(hub_id=hub.id, display_name="Poster")
    conn = Tortoise.get_connection("default")
    now = datetime.now(UTC)
    started = time.perf_counter()
    records = []
    for n in range(members):
        lat, lng = CENTRE[0] + rng.gauss(0, 0.08), CENTRE[1] + rng.gauss(0, 0.12)
        weekday = rng.randint(1, 7)
        records.append(
            (
                hub.id,
                f"Member {n}",
                f"m{n}@bench.example",
                now,
                now,
                "",
                "[]",
                lat,
                lng,
                h3.latlng_to_cell(lat, lng, 8),
                rng.choice([2, 5, 10]),
                json.dumps([{"weekday": weekday, "from": "09:00", "to": "17:00"}])
                if n % 3
                else "[]",
                json.dumps({"digest": "daily"} if n % 10 == 0 else {}),
                False,
                "active",
            )
        )
    pool = conn._pool  # asyncpg pool of the default connection
    async with pool.acquire() as raw:
        await raw.copy_records_to_table(
            "member",
            records=records,
            columns=[
                "hub_id",
                "display_name",
                "email",
                "created_at",
                "updated_at",
                "bio",
                "interests",
                "home_lat",
                "home_lng",
                "home_cell",
                "travel_km",
                "availability",
                "notification_prefs",
                "is_proxy",
                "status",
            ],
        )
        ids = [
            r["id"]
            for r in await raw.fetch(
                "SELECT id FROM member WHERE hub_id = $1 AND id <> $2", hub.id, poster.id
            )
        ]
        skill_rows = [
            (hub.id, member_id, s.id, now) for member_id in ids for s in rng.sample(skills, 2)
        ]
        await raw.copy_records_to_table(
            "member_skill",
            records=skill_rows,
            columns=["hub_id", "member_id", "skill_id", "created_at"],
        )
        await raw.execute("ANALYZE member; ANALYZE member_skill")
    print(
        f"loaded {members} members and {len(skill_rows)} skills"
        f" in {time.perf_counter() - started:.1f} s"
    )
    return hub.id, [s.id for s in skills], poster.id


# Phase functions, by module and name (a name missing from the code under test is skipped).
PHASES = [
    ("app.matching.service", "_listings", "listings"),
    ("app.matching.service", "find_candidates", "candidates"),  # until CH_MATCHING_PARTS
    ("app.matching.service", "find_in_parts", "candidates"),
    ("app.matching.service", "_sent_today", "cap count"),  # until 0058
    ("app.matching.caps", "told_today", "cap count"),
    ("app.matching.service", "_store", "store"),
    ("app.matching.saved_searches", "notify_saved_searches", "saved searches"),
    ("app.matching.service", "_emails", "emails"),
    ("app.matching.service", "_announce", "live"),
]


class PhaseClock:
    """CPU seconds of the database's backends and of this process, by phase of the job."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.backends: list[int] = []
        self.runs: list[dict[str, list[float]]] = []

    async def refresh(self) -> None:
        """The backends serving this database now (the pool's connections, read before a run,
        outside of the phases measured); not autovacuum, which a burst sets off and whose CPU
        would land in whichever phase it overlaps."""
        import asyncpg

        conn = await asyncpg.connect(self.url)
        try:
            rows = await conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        finally:
            await conn.close()
        self.backends = [r["pid"] for r in rows]

    def now(self) -> tuple[float, float]:
        return sum(cpu_seconds(pid) for pid in self.backends), time.process_time()

    def install(self) -> None:
        import functools
        import importlib

        for module_name, attr, phase in PHASES:
            module = importlib.import_module(module_name)
            real = getattr(module, attr, None)
            if real is None:
                continue

            def wrap(real: Any, phase: str) -> Any:
                @functools.wraps(real)
                async def timed(*args: Any, **kwargs: Any) -> Any:
                    pg0, py0 = self.now()
                    try:
                        return await real(*args, **kwargs)
                    finally:
                        pg1, py1 = self.now()
                        run = self.runs[-1] if self.runs else {}
                        run.setdefault(f"{phase} (pg)", []).append(pg1 - pg0)
                        run.setdefault(f"{phase} (py)", []).append(py1 - py0)

                return timed

            setattr(module, attr, wrap(real, phase))

    async def start(self) -> None:
        await self.refresh()
        self.runs.append({"_total": [*self.now()]})

    def stop(self) -> None:
        pg, py = self.now()
        run = self.runs[-1]
        pg0, py0 = run.pop("_total")
        run["total (pg)"], run["total (py)"] = [pg - pg0], [py - py0]

    def report(self, runs: list[dict[str, list[float]]]) -> dict[str, float]:
        """Mean CPU ms per run, by phase (means add up; the ticks are 10 ms)."""
        names = sorted({name for run in runs for name in run})
        return {
            name: round(statistics.fmean(sum(run.get(name, [0.0])) for run in runs) * 1000, 1)
            for name in names
        }


async def publish(
    poster: Any,
    category_id: int,
    skill_ids: list[int],
    rng: random.Random,
    n: int,
    *,
    burst: bool = False,
) -> Any:
    """Publishes one request near the centre, needing one skill, starting within two weeks;
    one in twenty of the single ones urgent."""
    from app.opportunities import service

    lat, lng = CENTRE[0] + rng.gauss(0, 0.05), CENTRE[1] + rng.gauss(0, 0.08)
    fields: dict[str, Any] = {
        "kind": "request",
        "title": f"Burst {n}" if burst else f"Help needed {n}",
        "category_id": category_id,
        "location": (lat, lng),
        "skill_ids": rng.sample(skill_ids, 1),
        "starts_at": datetime.now(UTC)
        + timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 10)),
    }
    if not burst:
        fields["urgency"] = "urgent" if n % 20 == 0 else "normal"
    return await service.create_opportunity(actor=poster, publish=True, fields=fields)


async def attach(url: str) -> tuple[int, list[int], int]:
    """An existing hub (bench.generate's, or a copy of it): its first hub, skills and an active
    member with a home as the poster. Nothing is loaded."""
    os.environ.update({"CH_DATABASE_URL": url, "CH_LOG_LEVEL": "WARNING"})
    from app.config import get_settings

    get_settings.cache_clear()
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.hubs.models import Hub
    from app.people.models import Member, Skill

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    hub = await Hub.all().order_by("id").first()
    assert hub is not None, "no hub in this database"
    skills = await Skill.filter(hub_id=hub.id).order_by("id").values_list("id", flat=True)
    poster = (
        await Member.filter(hub_id=hub.id, status="active", home_lat__isnull=False)
        .order_by("id")
        .first()
    )
    assert poster is not None
    return hub.id, list(skills), poster.id  # type: ignore[arg-type]


async def forget(ids: list[int], since: datetime) -> None:
    """Leaves an attached hub almost as it was: the listings it published are closed (deleting
    them would scan application, hours_record and opportunity_skill once per listing: no index
    of theirs leads with opportunity_id), their notifications and the jobs it queued deleted."""
    from tortoise import Tortoise

    conn = Tortoise.get_connection("default")
    await conn.execute_query("DELETE FROM outbox_job WHERE created_at >= $1", [since])
    await conn.execute_query("DELETE FROM notification WHERE opportunity_id = ANY($1)", [ids])
    await conn.execute_query("UPDATE opportunity SET status = 'closed' WHERE id = ANY($1)", [ids])


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(42)
    url = db_url(args.database or f"ch_bench_{uuid.uuid4().hex[:8]}")
    from app.migrate import drop_database

    published: list[int] = []
    began = datetime.now(UTC)
    try:
        if args.database:
            hub_id, skill_ids, poster_id = await attach(url)
        else:
            hub_id, skill_ids, poster_id = await load(url, args.members, rng)
        from tortoise import Tortoise

        from app.actor import Actor
        from app.matching.service import notify_matches
        from app.opportunities.models import Category
        from app.people.models import Member, Role

        clock = PhaseClock(url) if args.phases else None
        if clock:
            clock.install()
        poster = Actor(member=await Member.get(id=poster_id), roles=frozenset({Role.MEMBER}))
        category = await Category.filter(hub_id=hub_id).order_by("id").first()
        assert category is not None
        timings, notified = [], []
        for n in range(args.opportunities):
            opportunity = await publish(poster, category.id, skill_ids, rng, n)
            published.append(opportunity.id)
            if clock:
                await clock.start()
            started = time.perf_counter()
            notified.append(await notify_matches(opportunity_id=opportunity.id))
            timings.append(time.perf_counter() - started)
            if clock:
                clock.stop()
        singles = len(clock.runs) if clock else 0
        burst_ids = [
            (await publish(poster, category.id, skill_ids, rng, n, burst=True)).id
            for n in range(args.burst)
        ]
        published += burst_ids
        batches = []
        burst_started = time.perf_counter()
        for opportunity_id in burst_ids:
            if clock:
                await clock.start()
            started = time.perf_counter()
            if await notify_matches(opportunity_id=opportunity_id):
                batches.append(round(time.perf_counter() - started, 3))
                if clock:
                    clock.stop()
            elif clock:
                clock.runs.pop()
        burst_seconds = time.perf_counter() - burst_started
        peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if args.database:
            print(f"measured; closing the {len(published)} listings published", flush=True)
            await forget(published, began)
        await Tortoise.close_connections()
    finally:
        if not args.database:
            await drop_database(url)
    timings.sort()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "members": args.database or args.members,
        "opportunities": args.opportunities,
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))] * 1000, 1),
        "max_ms": round(timings[-1] * 1000, 1),
        "notified_median": statistics.median(notified),
        "burst": args.burst,
        "burst_seconds": round(burst_seconds, 2),
        "burst_batches_seconds": batches,
        "peak_rss_mb": peak_rss_mb,
        **(
            {
                "cpu_ms_per_publish": clock.report(clock.runs[:singles]),
                "cpu_ms_per_batch": clock.report(clock.runs[singles:]),
            }
            if clock
            else {}
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=600_000)
    parser.add_argument("--opportunities", type=int, default=200)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument(
        "--phases",
        action="store_true",
        help="CPU by phase of the job (this database's backends and this process, from /proc)",
    )
    parser.add_argument(
        "--database",
        help="an existing hub (e.g. a copy of bench.generate's): used as it is, not loaded nor"
        " dropped; what the run publishes is closed at the end",
    )
    result = asyncio.run(run(parser.parse_args()))
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "matching.json").write_text(json.dumps(result, indent=2) + "\n")
