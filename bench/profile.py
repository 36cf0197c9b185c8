"""Where a GraphQL request's time goes: pyinstrument over the whole app, in this process.

    uv run python -m bench.profile --database ch_bench_hub --scenario list [--requests 300]

Signs in sampled members like bench/run, sends the scenario's document through the ASGI app
(httpx in-process, no network) and prints pyinstrument's call tree; --html writes it as a page;
--by-library prints each library's share of the CPU time instead (cProfile).
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import re
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from pyinstrument import Profiler

from bench import documents as doc
from bench.procs import db_url
from bench.sample import Sample, sample


def _request(scenario: str, s: Sample, n: int) -> tuple[str, dict[str, Any], dict[str, str]]:
    if scenario == "feed":
        token = s.members[n % len(s.members)]
        return doc.FEED, {"first": 20}, {"Authorization": f"Bearer {token}"}
    if scenario == "detail":
        token, opportunity = s.posters[n % len(s.posters)]
        return doc.DETAIL, {"id": opportunity}, {"Authorization": f"Bearer {token}"}
    return doc.LIST, {"first": 20}, {"CH-Hub": s.hub_slug}


class _Flat:
    """cProfile behind the same `with` as pyinstrument, for --by-library."""

    def __init__(self) -> None:
        self.profile = cProfile.Profile()

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

            for n in range(10):  # warm the caches
                await send(n)
            profiler: Profiler | _Flat = (
                _Flat() if args.by_library else Profiler(async_mode="enabled", interval=0.0005)
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
    parser.add_argument("--scenario", choices=("feed", "list", "detail"), default="list")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--by-library", action="store_true", help="own time per library")
    args = parser.parse_args()
    profiler = asyncio.run(profile(args))
    if isinstance(profiler, _Flat):
        print(profiler.by_library())
        return
    if args.html:
        args.html.write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
