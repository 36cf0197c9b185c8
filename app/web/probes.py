"""/healthz (process up), /readyz (database and Redis reachable), /metrics (Prometheus)."""

import asyncio

import redis.asyncio as aioredis
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from tortoise import Tortoise

from app import redis_clients
from app.jobs.models import JobStatus
from app.metrics import OUTBOX_JOBS


def _client() -> aioredis.Redis:
    return redis_clients.client("probes")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _check_db() -> str:
    try:
        await asyncio.wait_for(Tortoise.get_connection("default").execute_query("SELECT 1"), 2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


async def _check_redis() -> str:
    try:
        await asyncio.wait_for(_client().ping(), 2)
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


async def readyz(request: Request) -> Response:
    db, cache = await asyncio.gather(_check_db(), _check_redis())
    ok = db == "ok" and cache == "ok"
    return JSONResponse({"database": db, "redis": cache}, status_code=200 if ok else 503)


async def metrics(request: Request) -> Response:
    try:
        counts = await _outbox_counts()
        for status in JobStatus:
            OUTBOX_JOBS.labels(status.value).set(counts.get(status.value, 0))
    except Exception:  # metrics must render even when the database is down
        OUTBOX_JOBS.clear()
    return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def _outbox_counts() -> dict[str, int]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT status, count(*) AS n FROM outbox_job GROUP BY status"
    )
    return {r["status"]: int(r["n"]) for r in rows}
