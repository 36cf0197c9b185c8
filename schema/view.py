"""The GraphQL endpoint: context per request, outbox relay after it, spec media types."""

import logging
from enum import Enum
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from app import jobs
from app.actor import Actor
from app.auth import service as auth
from app.config import Settings
from app.errors import AccessDenied, DomainError, NotAuthenticated
from app.hubs import service as hubs
from app.people import proxy
from schema.context import Context
from schema.loaders import Loaders
from schema.relay import decode_id

log = logging.getLogger(__name__)

GRAPHQL_RESPONSE = "application/graphql-response+json"


class _Bad(Enum):
    INVALID = "invalid"


class HubGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=tuple(settings.ws_allowed_origins),
            max_subscriptions_per_connection=20,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        async with jobs.collecting() as ids:
            await super().__call__(scope, receive, send)
        try:
            await jobs.relay_collected(ids)
        except Exception:  # the outbox sweep will relay them
            log.warning("outbox relay after request failed", exc_info=True)

    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as exc:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed.
            if exc.status_code == 400 and "GET" in exc.reason:
                raise HTTPException(405, exc.reason) from exc
            raise

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        actor, auth_error = await _authenticate(request.headers.get("authorization"))
        if actor is not None and (act_for := request.headers.get("ch-act-for")):
            try:
                member_id = decode_id(act_for, "Member", field="CH-Act-For", invalid=_Bad.INVALID)
                actor = await proxy.act_for(coordinator=actor, member_id=member_id)
            except (AccessDenied, DomainError) as exc:
                actor, auth_error = None, NotAuthenticated(str(exc))
        hub_id = actor.hub_id if actor else await _hub_from_header(request.headers.get("ch-hub"))
        return Context(
            request=request,
            response=response,
            actor=actor,
            hub_id=hub_id,
            auth_error=auth_error,
            loaders=Loaders(hub_id),
        )

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        request_accept = getattr(sub_response, "accept", "")
        if GRAPHQL_RESPONSE in request_accept:
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if _is_request_error(response_data):
                response.status_code = 400
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub = await super().get_sub_response(request)
        sub.accept = request.headers.get("accept", "")  # type: ignore[attr-defined]
        return sub


def _is_request_error(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> bool:
    """Parse, validation and limit errors: no data, and no error tied to a field path."""
    if not isinstance(data, dict) or data.get("data") is not None:
        return False
    errors: list[Any] = list(data.get("errors") or [])
    return bool(errors) and all(not e.get("path") for e in errors)


async def _authenticate(header: str | None) -> tuple[Actor | None, NotAuthenticated | None]:
    if not header:
        return None, None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None, NotAuthenticated("Use 'Authorization: Bearer <access token>'.")
    try:
        return await auth.authenticate(token.strip()), None
    except NotAuthenticated as exc:
        return None, exc


async def _hub_from_header(slug: str | None) -> int | None:
    return await hubs.id_by_slug(slug) if slug else None
