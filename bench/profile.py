"""Where a GraphQL request's time goes: pyinstrument over the whole app, in this process.

    uv run python -m bench.profile --database ch_bench_hub --scenario list [--requests 300]

Scenarios: list, detail, feed (reads); pay (payMember of 1 credit), apply
(applyToOpportunity, a new member and opportunity pair each time) write: use a copy.

Signs in sampled members like bench/run, sends the scenario's document through the ASGI app
(httpx in-process, no network) and prints pyinstrument's call tree; --html writes it as a page;
--by-library prints each library's share of the CPU time instead (cProfile); --stages the CPU
time per request of each stage (authentication, parse, validate, execution, the service...).
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import re
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from pyinstrument import Profiler

from bench import documents as doc
from bench.procs import db_url
from bench.sample import Sample, sample


def _request(scenario: str, s: Sample, n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
    if scenario == "pay":  # payer and payee drawn apart: payers first, payees from the members
        token, payee = s.payers[n % len(s.payers)], s.payees[(n * 7 + 1) % len(s.payees)]
        variables = {"payeeId": payee, "amount": 1, "idempotencyKey": uuid.uuid4().hex}
        return doc.PAY, {"input": variables}, {"Authorization": f"Bearer {token}"}
    if scenario == "apply":  # a new (member, opportunity) pair each time while they last
        token = s.members[n % len(s.members)]
        opportunity = s.open_ids[(n // len(s.members)) % len(s.open_ids)]
        variables = {"opportunityId": opportunity}
        return doc.APPLY, {"input": variables}, {"Authorization": f"Bearer {token}"}
    if scenario == "feed":
        token = s.members[n % len(s.members)]
        return doc.FEED, {"first": 20}, {"Authorization": f"Bearer {token}"}
    if scenario == "detail":
        token, opportunity = s.posters[n % len(s.posters)]
        return doc.DETAIL, {"id": opportunity}, {"Authorization": f"Bearer {token}"}
    return doc.LIST, {"first": 20}, {"CH-Hub": s.hub_slug}


# --stages: CPU time of each stage of a request, inclusive (a stage's children count in it).
STAGES = (
    ("whole request in the app (middleware and all)", "starlette/middleware/errors.py", "__call__"),
    ("  GraphQL view", "schema/view.py", "__call__"),
    ("    compiled path (reads, mutations)", "schema/view.py", "_compiled_only"),
    ("      compiled mutation", "schema/compiled/mutations.py", "answer"),
    ("    strawberry run (the interpreter)", "strawberry/http/async_base_view.py", "run"),
    ("      authentication (get_context)", "schema/view.py", "get_context"),
    ("      body parsing", "schema/view.py", "parse_http_body"),
    ("      schema.execute (parse, validate, execute)", "strawberry/schema/schema.py", "execute"),
    ("        parse (cached)", "strawberry/schema/schema.py", "parse"),
    ("        validate (cached)", "strawberry/schema/schema.py", "validate"),
    ("        mutation resolver", "schema/errors.py", "wrapper"),
    ("          service", "app/credits/service.py", "pay"),
    ("          service", "app/opportunities/applications.py", "apply"),
    ("            the statement (asyncpg)", "asyncpg/connection.py", "_do_execute"),
    (
        "      response (process_result, JSON)",
        "strawberry/http/async_base_view.py",
        "process_result",
    ),
    ("      response (create_response)", "schema/view.py", "create_response"),
    ("  outbox relay after the request", "app/jobs", "relay_collected"),
    ("test client (httpx)", "httpx/_client.py", "post"),
)


class _Flat:
    """cProfile behind the same `with` as pyinstrument, for --by-library and --stages (CPU
    time of the process: a coroutine's time suspended on PostgreSQL is not counted)."""

    def __init__(self) -> None:
        self.profile = cProfile.Profile(time.process_time)

    def stages(self, requests: int) -> str:
        stats = pstats.Stats(self.profile).stats  # type: ignore[attr-defined]
        lines = []
        for label, path, name in STAGES:
            total = sum(
                cumulative
                for (filename, _, function), (_, _, _, cumulative, _) in stats.items()
                if path in filename and function == name
            )
            if total:
                lines.append(f"{label:<52}{1000 * total / requests:8.3f} ms CPU per request")
        return "\n".join(lines)

    def __enter__(self) -> None:
        self.profile.enable()

    def __exit__(self, *_: object) -> None:
        self.profile.disable()

    def by_library(self) -> str:
        shares: Counter[str] = Counter()
        stats = pstats.Stats(self.profile).stats  # type: ignore[attr-defined]
        for (filename, _, _), (_, _, own, _, _) in stats.items():
            found = re.search(r"site-packages/([^/]+)", filename)
            if found:
                shares[found.group(1)] += own
            elif "/work/" in filename or filename.startswith(os.getcwd()):
                shares["communityhub (app, schema)"] += own
            elif filename.startswith("~") or filename.startswith("<"):
                shares["builtins"] += own
            else:
                shares["python stdlib (asyncio...)"] += own
        total = sum(shares.values())
        return "\n".join(
            f"{name:<32}{100 * t / total:6.1f} %" for name, t in shares.most_common(12)
        )


async def profile(args: argparse.Namespace) -> Profiler | _Flat:
    os.environ.update({"CH_DATABASE_URL": db_url(args.database), "CH_LOG_LEVEL": "WARNING"})
    from tortoise import Tortoise

    from app.config import get_settings
    from app.db import tortoise_config
    from app.http import create_app

    get_settings.cache_clear()

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        chosen = await sample(50)
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def send(n: int) -> None:
                query, variables, headers = _request(args.scenario, chosen, n)
                body = {"query": query, "variables": variables}
                answer = (await client.post("/graphql", json=body, headers=headers)).json()
                assert not answer.get("errors"), answer
                if args.scenario == "pay":
                    assert not answer["data"]["payMember"]["errors"], answer

            for n in range(10):  # warm the caches
                await send(n)
            profiler: Profiler | _Flat = (
                _Flat()
                if args.by_library or args.stages
                else Profiler(async_mode="enabled", interval=0.0005)
            )
            with profiler:
                for n in range(args.requests):
                    await send(n)
    finally:
        await Tortoise.close_connections()
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="ch_bench_hub")
    parser.add_argument(
        "--scenario", choices=("feed", "list", "detail", "pay", "apply"), default="list"
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--by-library", action="store_true", help="own time per library")
    parser.add_argument("--stages", action="store_true", help="CPU time per stage of a request")
    args = parser.parse_args()
    profiler = asyncio.run(profile(args))
    if isinstance(profiler, _Flat):
        print(profiler.stages(args.requests) if args.stages else profiler.by_library())
        return
    if args.html:
        args.html.write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
