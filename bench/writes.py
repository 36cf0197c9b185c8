"""Scenario 4's GraphQL writes driven by wrk (bench/wrk_writes.py), and the API's CPU per
request around a step (issue 19)."""

import asyncio
import json
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from tortoise import Tortoise

from bench import procs, wrk_writes

KEY = wrk_writes.KEY


def pay_body(document: str, payee: str) -> str:
    """payMember of 1 credit to `payee` with a fresh idempotency key per request."""
    variables = {"input": {"payeeId": payee, "amount": 1, "idempotencyKey": KEY}}
    return json.dumps({"query": document, "variables": variables}, separators=(",", ":"))


def apply_body(document: str, opportunity: str) -> str:
    variables = {"input": {"opportunityId": opportunity}}
    return json.dumps({"query": document, "variables": variables}, separators=(",", ":"))


async def unapplied(
    pairs: list[tuple[str, str]], actors: Mapping[str, Any], pk: Callable[[str], str]
) -> list[tuple[str, str]]:
    """The (token, opportunity) pairs whose member has not applied to it yet: a copy reused
    by several runs keeps its applications, and a pair sent again is only refused."""
    members = sorted({actors[t].member_id for t, _ in pairs})
    opportunities = sorted({int(pk(o)) for _, o in pairs})
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT applicant_id, opportunity_id FROM application"
        " WHERE applicant_id = ANY($1::bigint[]) AND opportunity_id = ANY($2::bigint[])",
        [members, opportunities],
    )
    done = {(r["applicant_id"], r["opportunity_id"]) for r in rows}
    return [(t, o) for t, o in pairs if (actors[t].member_id, int(pk(o))) not in done]


async def with_cpu(api: procs.Service, step: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """The step's result with the API processes' CPU time per request (ms) during it."""
    before = api.cpu_seconds()
    found = await step
    spent = api.cpu_seconds() - before
    per = round(1000 * spent / found["requests"], 3) if found.get("requests") else None
    return found | {"api_cpu_seconds": round(spent, 2), "api_cpu_ms_per_request": per}


async def step(
    api: procs.Service,
    rows: Sequence[wrk_writes.Row],
    clients: int,
    seconds: float,
    *,
    allowed: Collection[str] | None,
) -> dict[str, Any]:
    """One wrk step of GraphQL writes, warmed by a second of the same (the plans, the
    prepared statements, the token cache), then measured; the histogram dropped."""
    url = api.url + "/graphql"
    await asyncio.to_thread(wrk_writes.run, url, rows[-200:], clients=clients, seconds=1)
    found = await with_cpu(
        api,
        asyncio.to_thread(
            wrk_writes.run, url, rows, clients=clients, seconds=seconds, allowed=allowed
        ),
    )
    found.pop("histogram")
    return found
