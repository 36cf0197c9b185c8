"""Scenarios against a real `communityhub serve` (and worker) on a generated hub (issue 7).

    uv run python -m bench.run --database ch_bench_hub     # a hub made by bench.generate
    uv run python -m bench.run --scale 0.01                # generate a scratch hub, then drop it

Load comes from this process over loopback, bounded by --seconds and --max-requests per step.
Prints a table and writes bench/results/run.json (or --out).
"""

import argparse
import asyncio
import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import uvloop

from bench import procs, scenarios
from bench.procs import db_url
from bench.report import table
from bench.sample import sample

RESULTS = Path(__file__).parent / "results"
ALL = ("feed", "list", "detail", "mutations", "matching", "spaces")


def options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="an existing generated hub (else --scale makes one)")
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seconds", type=float, default=10.0, help="per step")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per step")
    parser.add_argument("--clients", default="1,8,32", help="client counts of the feed")
    parser.add_argument("--burst", type=int, default=200, help="opportunities published")
    parser.add_argument("--members", type=int, default=200, help="members signed in")
    parser.add_argument("--scenarios", default=",".join(ALL))
    parser.add_argument(
        "--matching-workers", type=int, default=2, help="worker processes of scenario 5"
    )
    parser.add_argument("--api-workers", type=int, default=1, help="communityhub serve --workers")
    parser.add_argument("--pgbench-scale", type=int, default=10)
    parser.add_argument(
        "--rounds", type=int, default=3, help="scenario 2: turns taken by ours, floor, peer"
    )
    parser.add_argument(
        "--driver",
        choices=("aiohttp", "wrk"),
        default="aiohttp",
        help="load generator of the feed, list, floor, PostGraphile and detail (bench/wrk.py)",
    )
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default="uvloop",
        help="this process's event loop (the service path's): the API and workers run uvloop",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip PostGraphile")
    parser.add_argument(
        "--offline", action="store_true", help="do not fetch PostGraphile from npm (the suite)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "run.json")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from tortoise import Tortoise

    from app.config import get_settings
    from app.db import tortoise_config
    from app.migrate import drop_database

    scratch = args.database is None
    name = args.database or f"ch_bench_run_{uuid.uuid4().hex[:8]}"
    url, prefix = db_url(name), f"chbench{uuid.uuid4().hex[:6]}"
    os.environ.update(
        {"CH_DATABASE_URL": url, "CH_REDIS_PREFIX": prefix, "CH_LOG_LEVEL": "WARNING"}
    )
    get_settings.cache_clear()
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": _commit(),
        "database": name,
        "api_workers": args.api_workers,
        "driver": args.driver,
        "loop": args.loop,
        "load_average_before": _load(),
    }
    try:
        if scratch:
            from bench.generate import generate

            result["generated"] = await generate(name, args.scale, seed=7, quiet=True)
        await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
        result["opportunities"] = await _count("opportunity")
        result["assets"] = await _count("asset")
        result["bookings"] = await _count("booking")
        result["members"] = await _count("member")
        chosen = await sample(args.members)
        with procs.api(url, prefix, args.api_workers).ready() as api:
            context = scenarios.Run(
                sample=chosen,
                api=api,
                database_url=url,
                redis_prefix=prefix,
                seconds=args.seconds,
                max_requests=args.max_requests,
                clients=[int(c) for c in args.clients.split(",")],
                burst=args.burst,
                pgbench_scale=args.pgbench_scale,
                rounds=args.rounds,
                matching_workers=args.matching_workers,
                driver=args.driver,
                api_workers=args.api_workers,
            )
            result.update(await _scenarios(context, args))
            result["api_peak_rss_mb"] = api.peak_rss_mb()
        result["load_average_after"] = _load()
    finally:
        await Tortoise.close_connections()
        await _forget_redis(prefix)
        if scratch:
            await drop_database(url)
    return result


async def _scenarios(context: scenarios.Run, args: argparse.Namespace) -> dict[str, Any]:
    wanted = args.scenarios.split(",")
    steps = {
        "feed": lambda: scenarios.feed(context),
        "list": lambda: scenarios.plain_list(
            context, peers=not args.no_peers, network=not args.offline
        ),
        "detail": lambda: scenarios.detail(context),
        "mutations": lambda: scenarios.mutations(context),
        "matching": lambda: scenarios.matching(context),
        "spaces": lambda: scenarios.free_space(context),
    }
    return {name: await steps[name]() for name in ALL if name in wanted}


async def _count(table_name: str) -> int:
    from tortoise import Tortoise

    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"SELECT count(*) AS n FROM {table_name}"
    )
    return int(rows[0]["n"])


async def _forget_redis(prefix: str) -> None:
    from redis.asyncio import Redis

    from app.config import get_settings

    redis = Redis.from_url(get_settings().redis_url)
    try:
        keys = [key async for key in redis.scan_iter(f"{prefix}*")]
        keys += [key async for key in redis.scan_iter(f"arq:*{prefix}:*")]  # arq's job keys
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


def _load() -> list[float]:
    """The machine's load averages (1, 5, 15 min): other sessions share the two cores."""
    return [round(x, 2) for x in os.getloadavg()]


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip()


def main() -> None:
    args = options()
    os.environ.update(procs.UNSPENDABLE_BUDGETS)
    result = (uvloop.run if args.loop == "uvloop" else asyncio.run)(run(args))
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
