"""Benchmark: credit transfers per second through the service and through GraphQL, with
PostgreSQL's own `pgbench -b tpcb-like` measured in the same run as the ceiling.

    uv run python -m bench.credits_transfers [--seconds 15] [--clients 8] [--members 200]
        [--api-workers 2]

Uses the PostgreSQL named by CH_DATABASE_URL (its server only: it creates and drops its own
databases `ch_bench_*`) and starts a real `communityhub serve` on a free loopback port.
Load comes from this process; everything stays on 127.0.0.1. Results: a table and
bench/results/credits.json.
"""

import argparse
import asyncio
import json
import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench import procs
from bench.load import summary
from bench.procs import db_url

RESULTS = Path(__file__).parent / "results"
PASSWORD = "benchmark passphrase 1"


async def setup(url: str, members: int) -> tuple[str, list[tuple[int, str]]]:
    """A migrated database with one hub and funded, signed-in members."""
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
    from tortoise.transactions import in_transaction

    from app.auth import service as auth
    from app.credits import ledger
    from app.credits.models import SystemAccount, TransferKind
    from app.db import tortoise_config
    from app.hubs import service as hubs
    from app.migrate import create_database, migrate_database

    await create_database(url)
    await migrate_database(url)
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    hub = await hubs.create_hub(name="Bench", slug="bench")
    people = []
    for i in range(members):
        member = await auth.create_account(
            hub_slug="bench", email=f"m{i}@bench.example", password=PASSWORD, display_name=f"M{i}"
        )
        _, token, _ = await auth.login(
            hub_slug="bench", email=f"m{i}@bench.example", password=PASSWORD
        )
        async with in_transaction():
            await ledger.post(
                source=await ledger.system_account(hub.id, SystemAccount.ISSUANCE),
                destination=await ledger.member_account(hub.id, member.id),
                amount=10**9,
                kind=TransferKind.ADJUSTMENT,
            )
        people.append((member.id, token))
    return "bench", people


async def run_service(
    people: list[tuple[int, str]], seconds: float, clients: int
) -> dict[str, Any]:
    from app.actor import Actor
    from app.credits import service
    from app.people.models import Member, Role

    members = {m.id: m for m in await Member.filter(id__in=[p[0] for p in people])}
    done = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            a, b = random.sample(people, 2)
            started = time.perf_counter()
            await service.pay(
                actor=Actor(member=members[a[0]], roles=frozenset({Role.MEMBER})),
                payee_id=b[0],
                amount=1,
                idempotency_key=uuid.uuid4().hex,
            )
            latencies.append(time.perf_counter() - started)
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return summary(done, 0, time.perf_counter() - started, latencies)


PAY = (
    "mutation($input: PayMemberInput!) { payMember(input: $input) "
    "{ transfer { id } errors { code } } }"
)


async def run_graphql(
    base: str, people: list[tuple[int, str]], seconds: float, clients: int
) -> dict[str, Any]:
    from schema.relay import encode_id

    done = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:

        async def client() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                a, b = random.sample(people, 2)
                variables = {
                    "input": {
                        "payeeId": str(encode_id("Member", b[0])),
                        "amount": 1,
                        "idempotencyKey": uuid.uuid4().hex,
                    }
                }
                started = time.perf_counter()
                response = await http.post(
                    "/graphql",
                    json={"query": PAY, "variables": variables},
                    headers={"Authorization": f"Bearer {a[1]}"},
                )
                body = response.json()
                assert "errors" not in body and not body["data"]["payMember"]["errors"], body
                latencies.append(time.perf_counter() - started)
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
    return summary(done, 0, time.perf_counter() - started, latencies)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    from tortoise import Tortoise

    from app.migrate import drop_database

    app_db = db_url(f"ch_bench_{uuid.uuid4().hex[:8]}")
    try:
        _, people = await setup(app_db, args.members)
        service_result = await run_service(people, args.seconds, args.clients)
        prefix = f"chbench{uuid.uuid4().hex[:6]}"
        with procs.api(app_db, prefix, args.api_workers).ready() as server:
            graphql_result = await run_graphql(server.url, people, args.seconds, args.clients)
        pgbench_result = procs.pgbench(app_db, args.seconds, args.clients, scale=10)
    finally:
        await Tortoise.close_connections()
        await drop_database(app_db)
    tps = pgbench_result.get("tps") or 0
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "clients": args.clients,
        "members": args.members,
        "api_workers": args.api_workers,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "service": service_result,
        "graphql": graphql_result,
        "pgbench": pgbench_result,
        "service_vs_pgbench": round(service_result["per_second"] / tps, 2) if tps else None,
        "graphql_vs_pgbench": round(graphql_result["per_second"] / tps, 2) if tps else None,
    }


def report(result: dict[str, Any]) -> None:
    print(f"{'path':<10}{'per second':>12}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name in ("service", "graphql"):
        r = result[name]
        print(f"{name:<10}{r['per_second']:>12}{r['p50_ms']:>9}{r['p95_ms']:>9}{r['p99_ms']:>9}")
    print(f"{'pgbench':<10}{result['pgbench'].get('tps', '-'):>12}  (tpcb-like tps, the ceiling)")
    print(
        f"ratios: service/pgbench {result['service_vs_pgbench']}, "
        f"graphql/pgbench {result['graphql_vs_pgbench']}"
        f" ({result['api_workers']} API process(es), load average {result['load_average']})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--api-workers", type=int, default=1, help="communityhub serve --workers")
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    report(outcome)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "credits.json").write_text(json.dumps(outcome, indent=2) + "\n")
