"""Benchmark: the ratings of one trial with 50,000 reports, sliced by area and by week, over
HTTP from 8 clients; and the SQL statements one such request runs.

    uv run python -m bench.trials [--reports 50000] [--seconds 15] [--clients 8] [--keep]

Creates its own database `ch_bench_trials` on the server of CH_DATABASE_URL (dropped at the
end unless --keep), loads a closed trial of three dimensions with N testers (members around
Manchester, ages 18-80, reports over 8 weeks; scores drawn with a fixed seed) by set-based
INSERTs, starts a real `communityhub serve` on a free loopback port and drives
`trialRatings(sliceBy: AREA)` and `trialRatings(sliceBy: WEEK)` in turn, each for --seconds.
Results: a table and bench/results/trials.json.
"""

import argparse
import asyncio
import json
import math
import os
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import h3

from bench import procs
from bench.load import drive, post_json
from bench.procs import db_url
from bench.sqlcount import statements

RESULTS = Path(__file__).parent / "results"
DATABASE = "ch_bench_trials"
PASSWORD = "benchmark passphrase 1"
CENTRE = (53.4794, -2.2453)
RATINGS = """
query Ratings($id: ID!, $slice: RatingsSlice!) {
  trialRatings(trialId: $id, sliceBy: $slice) {
    k suppressedGroups
    whole { testers dimensions { ...Numbers } }
    groups { key testers suppressed dimensions { ...Numbers } }
  }
}
fragment Numbers on DimensionRatings {
  name count mean median stddev ciLow ciHigh distribution netScore
}"""

_MEMBERS = """
INSERT INTO member (hub_id, display_name, created_at, updated_at, bio, interests, travel_km,
    availability, notification_prefs, is_proxy, status, date_of_birth, home_lat, home_lng,
    home_cell)
SELECT $1, 'Tester ' || n, now(), now(), '', '[]', 5, '[]', '{}', false, 'active', born, lat,
    lng, cell
FROM unnest($2::date[], $3::float8[], $4::float8[], $5::text[]) WITH ORDINALITY
    AS x(born, lat, lng, cell, n)
ORDER BY n
RETURNING id
"""
_APPLICATIONS = """
INSERT INTO trial_application (hub_id, trial_id, member_id, status, note, selected_at,
    created_at, updated_at)
SELECT $1, $2, m, 'selected', '', now(), now(), now() FROM unnest($3::bigint[]) AS m
RETURNING id, member_id
"""
_REPORTS = """
INSERT INTO trial_report (hub_id, trial_id, application_id, member_id, comment, answers, photos,
    share_identity, cell5, cell6, cell7, age_band, created_at, updated_at)
SELECT $1, $2, a, m, CASE WHEN n % 5 = 0 THEN 'Comment ' || n ELSE '' END, '[]', '[]',
    n % 7 = 0, c5, c6, c7, band, at, at
FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::timestamptz[]) WITH ORDINALITY AS x(a, m, c5, c6, c7, band, at, n)
"""
_RATINGS = """
INSERT INTO trial_rating (hub_id, trial_id, report_id, dimension, score, created_at)
SELECT r.hub_id, r.trial_id, r.id, d, 1 + floor(random() * 5)::int, now()
FROM trial_report r CROSS JOIN generate_series(0, 2) AS d
WHERE r.trial_id = $1
"""


async def seed(reports: int) -> tuple[int, str, str]:
    """(trial id, the business owner's access token, the trial's global id)."""
    from tortoise import Tortoise

    from app.auth import service as auth
    from app.hubs import service as hubs
    from app.hubs.models import Hub
    from app.organisations.models import (
        Organisation,
        OrganisationKind,
        OrganisationMember,
        OrganisationRole,
    )
    from app.trials.models import Selection, Trial, TrialStatus
    from app.trials.reports import age_band
    from schema.relay import encode_id

    hub = await hubs.create_hub(name="Bench trials", slug="bench-trials")
    await Hub.filter(id=hub.id).update(privacy_k=10, ratings_cell_resolution=6)
    owner = await auth.create_account(
        hub_slug=hub.slug, email="owner@bench.example", password=PASSWORD, display_name="Owner"
    )
    _, token, _ = await auth.login(
        hub_slug=hub.slug, email="owner@bench.example", password=PASSWORD
    )
    org = await Organisation.create(
        hub_id=hub.id, slug="oat-co", name="Oat Co", kind=OrganisationKind.BUSINESS
    )
    await OrganisationMember.create(
        hub_id=hub.id, organisation_id=org.id, member_id=owner.id, role=OrganisationRole.OWNER
    )
    now = datetime.now(UTC)
    trial = await Trial.create(
        hub_id=hub.id,
        organisation_id=org.id,
        created_by_id=owner.id,
        title="Oat milk, city-wide",
        product="Oat milk",
        status=TrialStatus.CLOSED,
        selection=Selection.FIRST_COME,
        places=reports,
        selected=reports,
        dimensions=["Taste", "Value", "Packaging"],
        closes_at=now - timedelta(days=1),
        opened_at=now - timedelta(days=60),
        closed_at=now - timedelta(days=1),
    )
    rng = random.Random(17)
    today = now.date()
    born, lats, lngs, cells = [], [], [], []
    for _ in range(reports):
        # homes within ~15 km of the centre, denser near it
        distance, bearing = abs(rng.gauss(0, 0.06)), rng.uniform(0, 6.283)
        lat = CENTRE[0] + distance * 0.9 * math.sin(bearing)
        lng = CENTRE[1] + distance * 1.5 * math.cos(bearing)
        lats.append(lat)
        lngs.append(lng)
        cells.append(h3.latlng_to_cell(lat, lng, 8))
        born.append(date(today.year - rng.randint(18, 80), rng.randint(1, 12), rng.randint(1, 28)))
    conn = Tortoise.get_connection("default")
    await conn.execute_query("SELECT setseed(0.17)")
    members = [
        int(r["id"])
        for r in await conn.execute_query_dict(_MEMBERS, [hub.id, born, lats, lngs, cells])
    ]
    applications = await conn.execute_query_dict(_APPLICATIONS, [hub.id, trial.id, members])
    by_member = {int(r["member_id"]): int(r["id"]) for r in applications}
    start = now - timedelta(weeks=8)
    cols: dict[str, list[Any]] = {k: [] for k in ("a", "m", "c5", "c6", "c7", "band", "at")}
    for i, member_id in enumerate(members):
        cols["a"].append(by_member[member_id])
        cols["m"].append(member_id)
        for r in (5, 6, 7):
            cols[f"c{r}"].append(str(h3.cell_to_parent(cells[i], r)))
        cols["band"].append(age_band(born[i], today))
        cols["at"].append(start + timedelta(seconds=rng.uniform(0, 8 * 7 * 86400)))
    await conn.execute_query(
        _REPORTS,
        [hub.id, trial.id, cols["a"], cols["m"], cols["c5"], cols["c6"], cols["c7"],
         cols["band"], cols["at"]],
    )  # fmt: skip
    await conn.execute_query("SELECT setseed(0.17)")
    await conn.execute_query(_RATINGS, [trial.id])
    await conn.execute_script("ANALYZE trial_report; ANALYZE trial_rating;")
    return trial.id, token, str(encode_id("Trial", trial.id))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    url = db_url(DATABASE)
    os.environ.update(
        {
            "CH_DATABASE_URL": url,
            "CH_ARGON2_TIME_COST": "1",
            "CH_ARGON2_MEMORY_KIB": "1024",
            "CH_LOG_LEVEL": "WARNING",
        }
    )
    from app.config import get_settings

    get_settings.cache_clear()
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.migrate import create_database, drop_database, migrate_database

    await drop_database(url)
    await create_database(url)
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        started = time.perf_counter()
        _, token, trial_gid = await seed(args.reports)
        seeded = round(time.perf_counter() - started, 1)
        headers = {"Authorization": f"Bearer {token}"}
        counted = {
            s: await statements(RATINGS, {"id": trial_gid, "slice": s}, headers)
            for s in ("AREA", "WEEK", "NONE")
        }
        results: dict[str, Any] = {}
        with procs.api(url, f"chbench{uuid.uuid4().hex[:6]}").ready() as server:
            for slice_by in ("AREA", "WEEK"):
                body = {"query": RATINGS, "variables": {"id": trial_gid, "slice": slice_by}}
                # the first answer is computed (then each API process keeps it: the trial is
                # closed, its reports frozen; app/ratings/queries.py CACHE_SECONDS)
                async with aiohttp.ClientSession(server.url) as session:
                    began = time.perf_counter()
                    await post_json(session, "/graphql", body, headers)
                    results[f"{slice_by}_first_ms"] = round((time.perf_counter() - began) * 1000, 1)

                async def send(
                    session: aiohttp.ClientSession, client: int, n: int, body: Any = body
                ) -> bool:
                    answer = await post_json(session, "/graphql", body, headers)
                    return "errors" not in answer and bool(answer["data"]["trialRatings"])

                results[slice_by] = await drive(
                    send,
                    base_url=server.url,
                    clients=args.clients,
                    seconds=args.seconds,
                    max_requests=10**9,
                )
            results["api_peak_rss_mb"] = server.peak_rss_mb()
    finally:
        await Tortoise.close_connections()
        if not args.keep:
            await drop_database(url)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "reports": args.reports,
        "clients": args.clients,
        "seed_seconds": seeded,
        "statements_per_request": counted,
        "load": os.getloadavg(),
        **results,
    }


def report(result: dict[str, Any]) -> None:
    print(
        f"{result['reports']} reports, {result['clients']} clients,"
        f" seeded in {result['seed_seconds']} s"
    )
    heads = ("requests", "per s", "p50 ms", "p95 ms", "p99 ms", "errors")
    print(f"{'slice':<8}" + "".join(f"{h:>10}" for h in heads))
    for name in ("AREA", "WEEK"):
        r = result[name]
        print(
            f"{name:<8}"
            + "".join(
                f"{r[k]:>10}"
                for k in ("requests", "per_second", "p50_ms", "p95_ms", "p99_ms", "errors")
            )
        )
    first = {k: result[f"{k}_first_ms"] for k in ("AREA", "WEEK")}
    print(f"first (computed) answer, ms: {first}")
    print(f"statements per request: {result['statements_per_request']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep ch_bench_trials")
    outcome = asyncio.run(run(parser.parse_args()))
    report(outcome)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "trials.json").write_text(json.dumps(outcome, indent=2) + "\n")
