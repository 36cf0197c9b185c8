"""Benchmark (issue 18): the analyst's demand-versus-supply query by area and month over a
generated hub, the refresh of the aggregates, and their cost on the write path.

    createdb -h 127.0.0.1 -U postgres -T ch_bench_hub ch_bench_h18a
    CH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ch_bench_h18a uv run communityhub migrate
    uv run python -m bench.citydata --database ch_bench_h18a [--seconds 20] [--clients 8]
        [--write-path] [--write-seconds 10]

On an existing, migrated copy of a generated hub (never the shared original): grants ANALYST
to one member of the biggest hub, refreshes the cells (REFRESH MATERIALIZED VIEW CONCURRENTLY,
timed three times), starts a real `communityhub serve` on a free loopback port and drives
`cityData` (requests posted, urgent, unfilled, filled, offers, skilled volunteers and hours,
by H3 cell of resolution 7 and month, over the last 12 months) from --clients clients for
--seconds, in each of --shapes: `table` (the compact wide table), `json` (the dashboard
document), `rows` (one GraphQL object per aggregate). --no-cache: the API keeps no answer
(CH_CITYDATA_CACHE_SECONDS=0), so every request reads the precomputed answers. With
--write-path it then runs `bench.run --scenarios mutations` (applyToOpportunity and payMember
per second over HTTP) twice: with no refresh running, and with refreshes back to back the
whole time (the worst case: the view is refreshed every 300 s in production).
Results: a table and bench/results/citydata.json.
"""

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from bench import procs, wrk
from bench.load import drive
from bench.procs import db_url
from bench.sqlcount import statements

RESULTS = Path(__file__).parent / "results"
DEMAND_VS_SUPPLY = """
query DemandVsSupply($input: CityDataInput!) {
  cityData(input: $input) {
    k refreshedAt suppressedRows
    rows { metric area period dimension count amount mean suppressed withheldCells }
  }
}"""
# The same answer as one JSON document (no per-field resolution of thousands of rows).
DEMAND_VS_SUPPLY_JSON = """
query DemandVsSupplyJson($input: CityDataInput!) {
  cityData(input: $input) { k refreshedAt suppressedRows dashboard }
}"""
# The same answer as the compact wide table (app/citydata/table.py): what an analyst's
# dashboard asks for demand against supply.
DEMAND_VS_SUPPLY_TABLE = """
query DemandVsSupplyTable($input: CityDataInput!) {
  cityData(input: $input) { k refreshedAt suppressedRows table }
}"""
SHAPES = {"table": DEMAND_VS_SUPPLY_TABLE, "json": DEMAND_VS_SUPPLY_JSON, "rows": DEMAND_VS_SUPPLY}
METRICS = [
    "REQUESTS_POSTED", "URGENT_REQUESTS", "REQUESTS_UNFILLED", "REQUESTS_FILLED",
    "OFFERS_POSTED", "SKILL_VOLUNTEERS", "HOURS_GIVEN",
]  # fmt: skip


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a migrated copy of a generated hub")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--resolution", type=int, default=7, help="H3 resolution of the areas")
    parser.add_argument("--refreshes", type=int, default=3, help="timed refreshes first")
    parser.add_argument("--shapes", default="table,json,rows", help="answer shapes, in order")
    parser.add_argument(
        "--no-cache", action="store_true",
        help="CH_CITYDATA_CACHE_SECONDS=0: every request reads the precomputed answers",
    )  # fmt: skip
    parser.add_argument(
        "--driver", choices=("aiohttp", "wrk"), default="aiohttp",
        help="the load generator: wrk reads no answers (the first is checked through aiohttp)",
    )  # fmt: skip
    parser.add_argument("--write-path", action="store_true", help="apply/pay with and without")
    parser.add_argument("--write-seconds", type=float, default=10.0)
    parser.add_argument("--out", type=Path, default=RESULTS / "citydata.json")
    return parser.parse_args(argv)


async def analyst_token() -> tuple[int, str]:
    """The biggest hub, and an access token of one of its members made ANALYST."""
    from tortoise import Tortoise

    from app.auth import service as auth
    from app.people.models import Member, MemberRole, Role

    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT hub_id, count(*) AS n FROM member GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )
    hub_id = int(rows[0]["hub_id"])
    member = await Member.filter(hub_id=hub_id, status="active").order_by("id").first()
    assert member is not None
    await MemberRole.get_or_create(hub_id=hub_id, member_id=member.id, role=Role.ANALYST)
    access, _ = await auth.open_session(member=member, user_agent="bench.citydata")
    return hub_id, access


async def refreshes(times: int) -> list[dict[str, Any]]:
    from app.citydata import refresh

    done = []
    for _ in range(times):
        started = time.perf_counter()
        record = await refresh.refresh()
        assert record is not None
        done.append(
            {"took_ms": record.took_ms, "wall_ms": round((time.perf_counter() - started) * 1000),
             "rows": record.rows}
        )  # fmt: skip
    return done


def mutations(database: str, seconds: float, out: Path) -> dict[str, Any]:
    """bench.run's mutations scenario (apply and pay over HTTP) as a child process."""
    argv = [
        sys.executable, "-m", "bench.run", "--database", database, "--scenarios", "mutations",
        "--seconds", str(seconds), "--no-peers", "--offline", "--out", str(out),
    ]  # fmt: skip
    subprocess.run(argv, check=True, capture_output=True, timeout=1800)
    found = json.loads(out.read_text())["mutations"]
    return {
        "apply_per_s": found["apply"]["per_second"],
        "apply_p95_ms": found["apply"]["p95_ms"],
        "pay_per_s": found["transfer"]["per_second"],
        "pay_p95_ms": found["transfer"]["p95_ms"],
    }


async def write_path(database: str, seconds: float) -> dict[str, Any]:
    from app.citydata import refresh

    quiet = await asyncio.to_thread(mutations, database, seconds, RESULTS / "citydata-w0.json")
    running = True
    count = 0

    async def loop() -> None:
        nonlocal count
        while running:
            await refresh.refresh()
            count += 1

    refresher = asyncio.create_task(loop())
    await asyncio.sleep(1.0)  # the refresh under way before the writes start
    try:
        busy = await asyncio.to_thread(mutations, database, seconds, RESULTS / "citydata-w1.json")
    finally:
        running = False
        # A refresh of the Do-it-sized hub takes minutes: the one under way is cancelled (its
        # transaction rolls back, as when a worker is killed), not waited for.
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
    return {
        "no_refresh": quiet,
        "refreshing_back_to_back": busy,
        "refreshes_completed_meanwhile": count,
    }


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children so far (Linux /proc)."""
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        pids += [int(p) for p in task.read_text().split()]
    ticks = 0
    for one in pids:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return found.stdout.strip()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    url = db_url(args.database)
    prefix = f"chbench{uuid.uuid4().hex[:6]}"
    os.environ.update(
        {"CH_DATABASE_URL": url, "CH_REDIS_PREFIX": prefix, "CH_LOG_LEVEL": "WARNING"}
    )
    if args.no_cache:
        os.environ["CH_CITYDATA_CACHE_SECONDS"] = "0"
    from app.config import get_settings

    get_settings.cache_clear()
    from tortoise import Tortoise

    from app.db import tortoise_config

    RESULTS.mkdir(exist_ok=True)
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": _commit(),
        "database": args.database,
        "clients": args.clients,
        "resolution": args.resolution,
        "cache": not args.no_cache,
        "load_before": os.getloadavg(),
    }
    try:
        hub_id, token = await analyst_token()
        result["hub_id"] = hub_id
        counts = await Tortoise.get_connection("default").execute_query_dict(
            "SELECT (SELECT count(*) FROM opportunity WHERE hub_id = $1) AS opportunities,"
            " (SELECT count(*) FROM member WHERE hub_id = $1) AS members,"
            " (SELECT count(*) FROM hours_record WHERE hub_id = $1) AS hours,"
            " (SELECT count(*) FROM transfer WHERE hub_id = $1) AS transfers",
            [hub_id],
        )
        result["hub"] = {k: int(v) for k, v in counts[0].items()}
        result["refresh"] = await refreshes(args.refreshes)
        today = datetime.now(UTC).date()
        variables = {
            "input": {
                "metrics": METRICS, "period": "MONTH", "areaBy": "CELL",
                "resolution": args.resolution,
                "since": (today - timedelta(days=365)).isoformat(), "until": today.isoformat(),
            }
        }  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}
        result["statements_per_request"] = await statements(DEMAND_VS_SUPPLY, variables, headers)
        with procs.api(url, prefix).ready() as server:
            for shape in args.shapes.split(","):
                body = {"query": SHAPES[shape], "variables": variables}
                async with aiohttp.ClientSession(server.url) as session:
                    async with session.post("/graphql", json=body, headers=headers) as response:
                        raw = await response.read()
                    first = json.loads(raw)
                    assert "errors" not in first, first
                    answer = first["data"]["cityData"]
                    result["suppressed_rows"] = answer["suppressedRows"]
                    result[f"bytes_{shape}"] = len(raw)
                    if shape == "rows":
                        result["rows"] = len(answer["rows"])
                    if shape == "table":
                        result["table_records"] = len(answer["table"]["rows"])

                async def send(
                    session: aiohttp.ClientSession, client: int, n: int, body: Any = body
                ) -> bool:
                    # The whole answer read and parsed, with orjson: the stdlib's json takes
                    # ~15 ms of this one process's CPU for a 200 KB table on this machine,
                    # enough to make the load generator, not the API, the bottleneck.
                    async with session.post("/graphql", json=body, headers=headers) as response:
                        found = orjson.loads(await response.read())
                    return "errors" not in found and found["data"]["cityData"] is not None

                api_cpu, own_cpu = cpu_seconds(server.process.pid), time.process_time()
                if args.driver == "wrk":
                    found = await asyncio.to_thread(
                        wrk.run, server.url + "/graphql",
                        [({**headers, "Content-Type": "application/json"}, body)],
                        clients=args.clients, seconds=args.seconds,
                    )  # fmt: skip
                    found.pop("histogram", None)
                else:
                    found = await drive(
                        send, base_url=server.url, clients=args.clients, seconds=args.seconds,
                        max_requests=10**9,
                    )  # fmt: skip
                # CPU per request, which the other engineers' load does not change much
                found["api_cpu_ms"] = round(
                    1000 * (cpu_seconds(server.process.pid) - api_cpu) / found["requests"], 2
                )
                found["client_cpu_ms"] = round(
                    1000 * (time.process_time() - own_cpu) / found["requests"], 2
                )
                result[f"query_{shape}"] = found
            result["api_peak_rss_mb"] = server.peak_rss_mb()
        result["load_after_query"] = os.getloadavg()
        if args.write_path:
            result["write_path"] = await write_path(args.database, args.write_seconds)
            result["load_after_write_path"] = os.getloadavg()
    finally:
        await Tortoise.close_connections()
    return result


def report(result: dict[str, Any]) -> None:
    print(f"hub {result['hub_id']}: {result['hub']}; load before {result['load_before']}")
    print(f"refresh (CONCURRENTLY): {result['refresh']}")
    print(
        f"cityData by cell (res {result['resolution']}) and month, 12 months:"
        f" rows {result.get('rows')}, table records {result.get('table_records')}"
        f" ({result['suppressed_rows']} suppressed rows);"
        f" statements/request {result['statements_per_request']}; cache {result['cache']}"
    )
    for shape in ("table", "json", "rows"):
        if f"query_{shape}" not in result:
            continue
        q = result[f"query_{shape}"]
        print(
            f"  {shape:<5} {result[f'bytes_{shape}']:>9} B {result['clients']} clients:"
            f" {q['requests']} requests,"
            f" {q['per_second']}/s, p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms,"
            f" p99 {q['p99_ms']} ms, errors {q['errors']}; CPU per request: API"
            f" {q['api_cpu_ms']} ms, load generator {q['client_cpu_ms']} ms"
        )
    if "write_path" in result:
        w = result["write_path"]
        print(f"write path without refresh: {w['no_refresh']}")
        print(f"write path, refreshing throughout ({w['refreshes_completed_meanwhile']} completed):"
              f" {w['refreshing_back_to_back']}")  # fmt: skip


def main() -> None:
    args = options()
    result = asyncio.run(run(args))
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str))
    report(result)


if __name__ == "__main__":
    main()
