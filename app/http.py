"""The Starlette application: GraphQL, health, readiness, metrics and email-link pages."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.contrib.starlette import RegisterTortoise

from app import redis_clients
from app.auth import cache as auth_cache
from app.config import Settings, get_settings
from app.db import tortoise_config
from app.jobs.queue import close_pools
from app.logs import configure_logging
from app.web import (
    account_links,
    badges,
    citydata,
    consent,
    cv,
    exports,
    federation,
    ical,
    oauth,
    open311,
    opendata,
    pages,
    probes,
    sensors,
)
from app.web.middleware import RequestContextMiddleware


def create_app(settings: Settings | None = None, *, freeze: bool = False) -> Starlette:
    """Builds the ASGI app; `communityhub serve` runs it under uvicorn (`freeze`: the objects
    made at startup are frozen out of the garbage collector's walks)."""
    from schema import schema
    from schema.view import HubGraphQL

    settings = settings or get_settings()
    graphql = HubGraphQL(schema, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings), generate_schemas=False):
            if freeze:
                # What exists now (modules, the schema, the ORM) lives as long as the process:
                # kept out of the collector's walks, a full collection sees only what requests
                # made. Only in `serve` (the tests build many apps in one process).
                gc.collect()
                gc.freeze()
            try:
                yield
            finally:
                await close_pools()
                await redis_clients.close()
                await auth_cache.stop()

    return Starlette(
        debug=False,
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/federation/messages", federation.messages, methods=["POST"]),
            Route("/healthz", probes.healthz),
            Route("/readyz", probes.readyz),
            Route("/metrics", probes.metrics),
            Route("/auth/verify-email", pages.verify_email, methods=["GET", "POST"]),
            Route("/auth/reset-password", pages.reset_password),
            Route("/account-links/confirm", account_links.confirm, methods=["GET", "POST"]),
            Route("/cv/{token}", cv.cv),
            Route("/badges/issuers/{hub}/revocations.json", badges.revocations),
            Route("/badges/issuers/{hub}.json", badges.issuer),
            Route("/badges/classes/{name}", badges.badge_class),
            Route("/badges/assertions/{name}", badges.assertion),
            Route("/ical/{token}", ical.feed),
            Route("/exports/{token}", exports.download),
            Route("/.well-known/oauth-authorization-server", oauth.well_known),
            Route("/oauth/authorize", consent.authorize, methods=["GET", "POST"]),
            Route("/oauth/token", oauth.token, methods=["POST"]),
            Route("/oauth/revoke", oauth.revoke, methods=["POST"]),
            Route("/oauth/introspect", oauth.introspect, methods=["POST"]),
            *OPEN_DATA_ROUTES,
            *OPEN311_ROUTES,
            Route(
                "/citydata/{kind:str}",
                citydata.download,
                methods=["GET"],
            ),
        ],
        # Inside the request context (not Starlette's max_body_size, which answers outside
        # every middleware in plain text): a body over the limit reaches the GraphQL view as
        # an error it answers in JSON, with the request id like any other answer.
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )


OPEN_DATA_ROUTES = [
    Route("/hsds/{hub}/", opendata.about),
    Route("/hsds/{hub}/organizations", opendata.organizations),
    Route("/hsds/{hub}/organizations/{id}", opendata.organization),
    Route("/hsds/{hub}/services", opendata.services),
    Route("/hsds/{hub}/services/{id}", opendata.service),
    Route("/hsds/{hub}/service_at_locations", opendata.service_at_locations),
    Route("/hsds/{hub}/service_at_locations/{id}", opendata.service_at_location),
    Route("/hsds/{hub}/locations", opendata.locations),
    Route("/hsds/{hub}/locations/{id}", opendata.location),
    Route("/opendata/{hub}/volunteering.json", opendata.volunteering_feed),
    Route("/opendata/{hub}/360giving.json", opendata.giving_feed),
]
# Open311 GeoReport v2 (app/web/open311.py).
OPEN311_ROUTES = [
    Route("/open311/{hub}/discovery.{format}", open311.discovery),
    Route("/open311/{hub}/v2/services.{format}", open311.services),
    Route("/open311/{hub}/v2/services/{code}.{format}", open311.service),
    Route("/open311/{hub}/v2/requests.{format}", open311.requests, methods=["GET"]),
    Route("/open311/{hub}/v2/requests.{format}", open311.post_request, methods=["POST"]),
    Route("/open311/{hub}/v2/requests/{id}.{format}", open311.request_by_id),
    # Citizen sensors' batches of readings (app/web/sensors.py).
    Route("/sensors/v1/readings", sensors.readings, methods=["POST"]),
]


class BodyTooLarge(HTTPException):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is too large: at most {max_bytes} bytes.")


class BodyLimit:
    """Refuses a request body over `max_bytes` when the app reads it (at once when its
    Content-Length says so), by raising BodyTooLarge (HTTP 413) there."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_large = declared.isdigit() and int(declared) > self.max_bytes
        received = 0

        async def limited() -> Message:
            nonlocal received
            if too_large:
                raise BodyTooLarge(self.max_bytes)
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited, send)


def create_configured_app() -> Starlette:
    configure_logging()
    return create_app(freeze=True)
