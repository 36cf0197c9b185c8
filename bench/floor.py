"""The floor of scenario 2: the plain list as JSON from Starlette + asyncpg, no GraphQL.

    FLOOR_DATABASE_URL=postgresql://... uv run uvicorn bench.floor:app

Same rows, order and JSON shape as `opportunities(first: N) { edges { node { id title
publishedAt organisation { name } } } }` with the CH-Hub header: one SQL statement, a
prepared statement per connection, orjson.
"""

import base64
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LIST = (
    "SELECT o.id, o.title, o.published_at, g.name AS organisation FROM opportunity o"
    " LEFT JOIN organisation g ON g.id = o.organisation_id"
    " WHERE o.hub_id = (SELECT id FROM hub WHERE slug = $1) AND o.status = 'published'"
    " AND (o.expires_at IS NULL OR o.expires_at > now())"
    " ORDER BY o.published_at DESC, o.id DESC LIMIT $2"
)
pool: asyncpg.Pool | None = None


def _gid(pk: int) -> str:
    return base64.b64encode(f"Opportunity:{pk}".encode()).decode()


def _node(row: Any) -> dict[str, Any]:
    organisation = row["organisation"]
    return {
        "id": _gid(row["id"]),
        "title": row["title"],
        "publishedAt": row["published_at"].isoformat(),
        "organisation": None if organisation is None else {"name": organisation},
    }


async def _keep(connection: asyncpg.Connection) -> None:
    return None


async def opportunities(request: Request) -> Response:
    body = orjson.loads(await request.body())
    first = int((body.get("variables") or {}).get("first", 20))
    assert pool is not None
    rows = await pool.fetch(LIST, request.headers.get("ch-hub", ""), first)
    edges = [{"node": _node(row)} for row in rows]
    payload = {"data": {"opportunities": {"edges": edges}}}
    return Response(orjson.dumps(payload), media_type="application/json")


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global pool
    url = os.environ["FLOOR_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    # Without asyncpg's reset statement on release, like the API (app.db.keep_session): the
    # floor holds no session state either, and a floor that paid a round trip more would flatter us.
    pool = await asyncpg.create_pool(url, min_size=1, max_size=10, reset=_keep)
    try:
        yield
    finally:
        await pool.close()


async def healthz(_: Request) -> Response:
    return Response(b"ok")


app = Starlette(
    routes=[Route("/graphql", opportunities, methods=["POST"]), Route("/healthz", healthz)],
    lifespan=lifespan,
)
