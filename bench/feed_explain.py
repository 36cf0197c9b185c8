"""EXPLAIN (ANALYZE, BUFFERS) of the compiled feed statement (bench/run scenario 1), and its
time as the app runs it (prepared, generic plan after five executions) for many members.

    uv run python -m bench.feed_explain --database ch_bench_<you> --members 40

Signs `--members` random members in (seeded, like bench/run: sessions are written, so use a
copy of the bench hub), sends scenario 1's request for each through the app in this process,
keeps the one statement it sends with its parameters exactly as sent, then on one connection
with JIT off (as the app's) runs every member's twice to warm up (asyncpg prepares it once),
times a third run of each and prints EXPLAIN (ANALYZE, BUFFERS) of the first member's.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import time
import uuid
from typing import Any

import asyncpg
import httpx

from bench.explain import captured
from bench.procs import db_url

MARK = "recommended"  # not in the SQL: the statement is the one that reads `candidate`


async def feed_statements(members: int, seed: int) -> list[tuple[str, list[Any]]]:
    from tortoise import Tortoise

    from app.auth import service as auth
    from app.http import create_app
    from app.people.models import Member
    from bench import documents as doc

    conn = Tortoise.get_connection("default")
    hub = (await conn.execute_query_dict("SELECT id, slug FROM hub ORDER BY id LIMIT 1"))[0]
    top = (
        await conn.execute_query_dict(
            "SELECT max(id) AS n FROM member WHERE hub_id = $1", [hub["id"]]
        )
    )[0]["n"]
    rng = random.Random(seed)
    ids = sorted({rng.randint(1, top) for _ in range(members)})
    tokens = [
        (await auth.open_session(member=m, user_agent="bench"))[0]
        for m in await Member.filter(id__in=ids)
    ]
    found: list[tuple[str, list[Any]]] = []
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for token in tokens:
            body = {"query": doc.FEED, "variables": {"first": 20}}
            with captured() as log:
                answer = await client.post(
                    "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
                )
            if answer.json().get("errors"):
                raise RuntimeError(f"bench request failed: {answer.json()['errors']}")
            found += [(q, v) for q, v in log.sent if "candidate" in q]
    return found


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
        sent = await feed_statements(args.members, args.seed)
    finally:
        await Tortoise.close_connections()
    texts = {q for q, _ in sent}
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SET jit = off")
        for _ in range(2):
            for query, values in sent:
                await conn.fetch(query, *values)
        times = []
        for query, values in sent:
            started = time.perf_counter()
            await conn.fetch(query, *values)
            times.append((time.perf_counter() - started) * 1000)
        generic = await conn.fetchval(
            "SELECT sum(generic_plans)::text || ' generic / ' || sum(custom_plans)::text"
            " || ' custom' FROM pg_prepared_statements WHERE statement LIKE '%candidate%'"
        )
        query, values = sent[0]
        # Every parameter of the feed is an InitPlan, so the plan with these values is the
        # generic plan the app's prepared statement keeps (bench/README, third pass).
        explained = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {query}", *values)
    finally:
        await conn.close()
    times.sort()
    return {
        "statement": query,
        "parameters": [str(v) for v in values],
        "texts": len(texts),
        "plans": generic,
        "plan": "\n".join(r[0] for r in explained),
        "ms": {
            "members": len(times),
            "median": round(statistics.median(times), 2),
            "p90": round(times[int(0.9 * (len(times) - 1))], 2),
            "max": round(times[-1], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a copy of a bench.generate hub")
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quiet", action="store_true", help="no statement, no plan")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    if not args.quiet:
        print(result["statement"])
        print(result["parameters"])
        print(result["plan"])
    print(json.dumps({k: result[k] for k in ("texts", "plans", "ms")}))


if __name__ == "__main__":
    main()
