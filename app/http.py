"""The Starlette application: GraphQL, health, readiness, metrics and email-link pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise

from app.config import Settings, get_settings
from app.db import tortoise_config
from app.jobs.queue import close_pools
from app.logs import configure_logging
from app.web import cv, pages, probes
from app.web.middleware import RequestContextMiddleware


def create_app(settings: Settings | None = None) -> Starlette:
    """Builds the ASGI app; `communityhub serve` runs it under uvicorn."""
    from schema import schema
    from schema.view import HubGraphQL

    settings = settings or get_settings()
    graphql = HubGraphQL(schema, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings), generate_schemas=False):
            try:
                yield
            finally:
                await close_pools()
                await probes.close_redis()

    return Starlette(
        debug=False,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", probes.healthz),
            Route("/readyz", probes.readyz),
            Route("/metrics", probes.metrics),
            Route("/auth/verify-email", pages.verify_email, methods=["GET", "POST"]),
            Route("/auth/reset-password", pages.reset_password),
            Route("/cv/{token}", cv.cv),
        ],
        middleware=[Middleware(RequestContextMiddleware)],
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
    )


def create_configured_app() -> Starlette:
    configure_logging()
    return create_app()
