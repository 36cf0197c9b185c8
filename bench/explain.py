"""EXPLAIN ANALYZE of the search statement behind bench/run scenario 7, on a generated hub.

    uv run python -m bench.explain --database ch_bench_hub
    uv run python -m bench.explain --database ch_bench_hub --try "CREATE INDEX ..."
    uv run python -m bench.explain --database ch_bench_hub --sql other.sql --warm 3

Sends the scenario's GraphQL request ("a space free on Tuesday afternoon within 5 km", from the
centre and from more points of `free_space_points`) through the app in this process, keeps
the statement that reads `asset` with its parameters exactly as Tortoise sent it, and runs
EXPLAIN (ANALYZE, BUFFERS) on it with JIT off, as the app's connections have it. `--try` runs
DDL first in the same transaction, which is rolled back afterwards (the database is left as it
was): the effect of an index, measured without touching app/ or migrations/. `--sql` explains
another statement (a rewrite of the search) with the same parameters. Prints the plan of the
centre and the execution times at the other points; `--warm N` also times every point on one
warm connection as the app runs the statement (prepared, planning included), the best of N.
"""

import argparse
import asyncio
import json
import logging
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.procs import db_url
from bench.scenarios import (
    CENTRE_POINT,
    free_space_points,
    free_space_variables,
    next_tuesday_afternoon,
)

MARK = "FROM asset a"  # the search's statement (app/assets/search.py, Results.fetch)


class Statements(logging.Handler):
    """The statements Tortoise sends (it logs each at DEBUG as (query, values))."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2:
            query, values = record.args
            if isinstance(query, str) and isinstance(values, list | tuple | None):
                self.sent.append((query, list(values or ())))


@contextmanager
def captured() -> Iterator[Statements]:
    logger = logging.getLogger("tortoise.db_client")
    handler, level = Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def search_statements(
    points: list[dict[str, float]], hub_slug: str, zone: str
) -> list[tuple[str, list[Any]]]:
    """The search statement of scenario 7's request from each point (Tortoise set up)."""
    from app.http import create_app
    from bench import documents as doc

    window = next_tuesday_afternoon(zone)
    transport = httpx.ASGITransport(app=create_app())
    found = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for point in points:
            body = {"query": doc.FREE_SPACE, "variables": free_space_variables(point, window)}
            with captured() as log:
                answer = await client.post("/graphql", json=body, headers={"CH-Hub": hub_slug})
            if answer.json().get("errors"):
                raise RuntimeError(f"bench request failed: {answer.json()['errors']}")
            found += [(q, v) for q, v in log.sent if MARK in q]
    return found


async def explain(
    url: str,
    statement: tuple[str, list[Any]],
    *,
    ddl: list[str],
    analyze: bool = True,
) -> dict[str, Any]:
    """The plan of `statement` (JSON and text), after `ddl` in a transaction rolled back."""
    query, values = statement
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SET jit = off")
        transaction = conn.transaction()
        await transaction.start()
        try:
            for sql in ddl:
                await conn.execute(sql)
            if ddl:
                await conn.execute("ANALYZE asset; ANALYZE booking")
            options = "ANALYZE, BUFFERS" if analyze else "COSTS"
            text = await conn.fetch(f"EXPLAIN ({options}) {query}", *values)
            plan = await conn.fetchval(f"EXPLAIN ({options}, FORMAT JSON) {query}", *values)
        finally:
            await transaction.rollback()
    finally:
        await conn.close()
    top = json.loads(plan)[0] if isinstance(plan, str) else plan[0]
    return {
        "text": "\n".join(r[0] for r in text),
        "execution_ms": top.get("Execution Time"),
        "planning_ms": top.get("Planning Time"),
    }


async def warm(
    url: str, statements: list[tuple[str, list[Any]]], *, ddl: list[str], repeat: int
) -> list[float]:
    """Milliseconds of each statement on one warm connection as the app runs it (asyncpg
    prepares it; planning included), the best of `repeat`, after `ddl` (rolled back)."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SET jit = off")
        transaction = conn.transaction()
        await transaction.start()
        try:
            for sql in ddl:
                await conn.execute(sql)
            if ddl:
                await conn.execute("ANALYZE asset; ANALYZE booking")
            for query, values in statements:  # prepared and cached, as in the app
                await conn.fetch(query, *values)
            times = []
            for query, values in statements:
                best = float("inf")
                for _ in range(repeat):
                    started = time.perf_counter()
                    await conn.fetch(query, *values)
                    best = min(best, time.perf_counter() - started)
                times.append(best * 1000)
        finally:
            await transaction.rollback()
    finally:
        await conn.close()
    return sorted(times)


def _summary(times: list[float]) -> dict[str, float | None]:
    if not times:
        return {"median": None, "p95": None, "max": None}
    return {
        "median": round(statistics.median(times), 2),
        "p95": round(times[int(0.95 * (len(times) - 1))], 2),
        "max": round(times[-1], 2),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from tortoise import Tortoise

    from app.config import get_settings
    from app.db import tortoise_config

    url = db_url(args.database)
    os.environ.update(
        {
            "CH_DATABASE_URL": url,
            "CH_REDIS_PREFIX": f"chbench{uuid.uuid4().hex[:6]}",
            "CH_LOG_LEVEL": "WARNING",
        }
    )
    get_settings.cache_clear()
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        hub = (
            await Tortoise.get_connection("default").execute_query_dict(
                "SELECT slug, timezone FROM hub ORDER BY id LIMIT 1"
            )
        )[0]
        points = [CENTRE_POINT, *free_space_points()[: args.points]]
        sent = await search_statements(points, hub["slug"], hub["timezone"])
    finally:
        await Tortoise.close_connections()
    if args.sql:
        other = args.sql.read_text()
        sent = [(other, values) for _, values in sent]
    ddl = args.try_ or []
    centre = await explain(url, sent[0], ddl=ddl)
    times = sorted([(await explain(url, s, ddl=ddl))["execution_ms"] for s in sent[1:]])
    result = {
        "database": args.database,
        "tried": ddl,
        "statement": sent[0][0],
        "parameters": [str(v) for v in sent[0][1]],
        "centre": centre,
        "points": len(times),
        "execution_ms": _summary(times),
    }
    if args.warm:
        result["warm_ms"] = _summary(await warm(url, sent, ddl=ddl, repeat=args.warm))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a hub made by bench.generate")
    parser.add_argument("--points", type=int, default=50, help="more points than the centre")
    parser.add_argument("--try", dest="try_", action="append", help="DDL, rolled back after")
    parser.add_argument("--sql", type=Path, help="explain this statement instead (same $n)")
    parser.add_argument(
        "--warm",
        type=int,
        default=0,
        help="also time every point on one warm connection, best of N",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    print(result["statement"])
    print(result["parameters"])
    print(result["centre"]["text"])
    print(
        f"centre: {result['centre']['execution_ms']} ms;"
        f" {result['points']} more points: {result['execution_ms']}"
    )
    if "warm_ms" in result:
        print(f"on one warm connection, best of {args.warm}: {result['warm_ms']}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
