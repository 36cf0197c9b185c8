"""The GraphQL endpoint: context per request, outbox relay after it, spec media types.

Whatever a client sends gets a GraphQL-over-HTTP answer: a JSON body with `errors` (4xx for a
request that is not well formed), never a plain-text 500 that would also end the keep-alive
connection.
"""

import json
import logging
from enum import Enum
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
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
from app.logs import request_id_var
from app.people import proxy
from schema.context import Context
from schema.loaders import Loaders
from schema.relay import decode_id
from schema.scalars import unstorable

log = logging.getLogger(__name__)

GRAPHQL_RESPONSE = "application/graphql-response+json"
# Deeper than any input of the schema needs; json.loads itself gives up near 1,000 levels.
MAX_JSON_DEPTH = 32


class RequestError(Exception):
    """A request that cannot be run: answered with `errors` and this status and code."""

    def __init__(self, status: int, message: str, code: str = "BAD_REQUEST", **more: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.extensions = {"code": code, **more}


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
            try:
                await super().__call__(scope, receive, send)
            except RequestError:  # from get_context, after the handshake was accepted
                await WebSocket(scope, receive, send).close(code=4400)
            return
        async with jobs.collecting() as ids:
            request = Request(scope=scope, receive=receive)
            response = await self._respond(request)
            await response(scope, receive, send)
        try:
            await jobs.relay_collected(ids)
        except Exception:  # the outbox sweep will relay them
            log.warning("outbox relay after request failed", exc_info=True)

    async def _respond(self, request: Request) -> Response:
        try:
            return await self.run(request)
        except HTTPException as exc:
            return _error_response(request, RequestError(exc.status_code, exc.reason))
        except StarletteHTTPException as exc:  # the body is over max_body_size
            return _error_response(request, RequestError(exc.status_code, exc.detail))
        except RequestError as exc:
            return _error_response(request, exc)
        except Exception:
            request_id = request_id_var.get() or "-"
            log.exception("unexpected error in the GraphQL view", extra={"request_id": request_id})
            message = f"Unexpected error. Quote request id {request_id} if you report it."
            error = RequestError(500, message, "INTERNAL_SERVER_ERROR", requestId=request_id)
            return _error_response(request, error)

    def decode_json(self, data: str | bytes) -> object:
        """The stdlib decoder keeps "\\ud800" escapes, so RefuseUnstorableText can name the
        variable; text that is not UTF-8 and nesting beyond MAX_JSON_DEPTH are not JSON here."""
        try:
            text = data.decode() if isinstance(data, bytes) else data
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError("The body is not valid UTF-8", "", exc.start) from exc
        try:
            value = json.loads(text)
        except RecursionError as exc:
            raise json.JSONDecodeError("The JSON is nested too deeply", text, 0) from exc
        if not _within_depth(value, MAX_JSON_DEPTH):
            raise json.JSONDecodeError("The JSON is nested too deeply", text, 0)
        return value

    def parse_json(self, data: str | bytes) -> Any:
        try:
            value = self.decode_json(data)
        except json.JSONDecodeError as exc:
            raise RequestError(400, f"Unable to parse request body as JSON: {exc.msg}.") from exc
        if not isinstance(value, (dict, list)):
            raise RequestError(400, 'Send a JSON object: {"query": ..., "variables": ...}.')
        return value

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item.operation_name, (str, type(None))):
                raise RequestError(400, "The `operationName` must be a string or null.")
        return data

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
        return _encode(data)

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
    if slug and unstorable(slug):
        raise RequestError(400, "CH-Hub: not a hub slug.", "BAD_USER_INPUT")
    return await hubs.id_by_slug(slug) if slug else None


def _within_depth(value: object, limit: int) -> bool:
    """Whether no array or object lies deeper than `limit` (iterative: no stack to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return True


def _error_response(request: Request, error: RequestError) -> Response:
    """GraphQL over HTTP for a request that did not run: `errors` only, in the media type
    the client accepts."""
    body = {"errors": [{"message": error.message, "extensions": error.extensions}]}
    accept = request.headers.get("accept", "")
    media_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else "application/json"
    return Response(_encode(body), status_code=error.status, media_type=media_type)


def _encode(data: object) -> bytes:
    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        # A lone surrogate echoed from the input, an integer beyond 64 bits: still JSON
        # (the stdlib escapes the surrogate as \udXXX).
        return json.dumps(data, default=str).encode()
