"""The GraphQL endpoint: context per request, outbox relay after it, spec media types,
persisted documents (schema/documents.py) and graphql-transport-ws in text frames.

Whatever a client sends gets a GraphQL-over-HTTP answer: a JSON body with `errors` (4xx for a
request that is not well formed), never a plain-text 500 that would also end the keep-alive
connection.
"""

import dataclasses
import json
import logging
from collections.abc import Mapping
from enum import Enum
from http import HTTPMethod
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from app import i18n, jobs
from app.actor import Actor
from app.auth import service as auth
from app.budgets import requests as budgets
from app.config import Settings
from app.errors import AccessDenied, DomainError, NotAuthenticated
from app.hubs import service as hubs
from app.hubs.documents import trusted_only_of
from app.logs import client_ip_var, request_id_var
from app.metrics import GRAPHQL_OPERATIONS
from app.oauth import usage as oauth_usage
from app.people import proxy
from schema import documents, ratelimit
from schema.compiled import mutations as compiled_mutations
from schema.compiled import runner as compiled_reads
from schema.context import Context
from schema.cost import request_cost
from schema.loaders import Loaders
from schema.relay import decode_id
from schema.scalars import unstorable

log = logging.getLogger(__name__)

GRAPHQL_RESPONSE = "application/graphql-response+json"
# Deeper than any input of the schema needs; json.loads itself gives up near 1,000 levels.
MAX_JSON_DEPTH = 32


class RequestError(Exception):
    """A request that cannot be run: answered with `errors` and this status and code."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_REQUEST",
        *,
        headers: Mapping[str, str] | None = None,
        **more: object,
    ) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.extensions: dict[str, object] = {"code": code, **more}
        self.headers = dict(headers or {})


class _Bad(Enum):
    INVALID = "invalid"


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages go out as text frames: the `graphql-ws` client (Apollo's
    GraphQLWsLink) refuses binary ones ("Message is missing the 'type' property", close 4004)
    and browsers hand them over as Blobs. strawberry sends bytes as binary, and our encoder
    makes bytes (orjson) for HTTP."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(_encode(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with persisted documents: a `subscribe` may name its document by
    hash, and a hub with trusted documents only runs its registered ones here too."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload: Any = message.get("payload")
        if self.connection_acknowledged and isinstance(payload, dict):
            query = payload.get("query")
            try:
                found = await documents.resolve(
                    query if isinstance(query, str) else None,
                    payload.get("extensions"),
                    self.context.hub_id,
                    trusted_only=self.context.trusted_documents_only,
                )
            except documents.Refused as exc:
                error: Any = {"id": message["id"], "type": "error", "payload": [exc.formatted]}
                await self.send_message(error)
                return
            if found.query is not None:
                message = {**message, "payload": {**payload, "query": found.query}}
        await super().handle_subscribe(message)


class HubGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames  # type: ignore[assignment]
    graphql_transport_ws_handler_class = TransportWS

    def __init__(self, schema: Any, settings: Settings) -> None:
        self.settings = settings
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
        client_id = getattr(request.state, "api_client_id", None)
        if client_id is not None:  # an OAuth token: count the request for its client
            codes = getattr(request.state, "error_codes", [])
            spent = getattr(request.state, "cost", None) or {}
            await oauth_usage.record(
                api_client_id=client_id, error_codes=codes, cost=int(spent.get("requested", 0))
            )
        try:
            await jobs.relay_collected(ids)
        except Exception:  # the outbox sweep will relay them
            log.warning("outbox relay after request failed", exc_info=True)

    async def _respond(self, request: Request) -> Response:
        try:
            fast = await self._compiled_only(request)
            return fast if fast is not None else await self.run(request)
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

    async def _compiled_only(self, request: Request) -> Response | None:
        """A plain JSON POST answered wholly by a compiled statement or a compiled mutation
        (schema/compiled/mutations.py), without strawberry's
        request handling around it (issue 15: its content-type and body parsing, hooks and
        response building cost about as much as the rest of such a request). The same steps,
        in the same order, as `run` and `execute_single`; anything else — another method,
        media type, batch, extensions, a root field on the interpreter, any error — returns
        None and `run` answers the request from the start (nothing was written)."""
        if request.method != HTTPMethod.POST or request.scope.get("query_string"):
            return None
        headers = request.headers
        media = headers.get("content-type", "").partition(";")[0].strip().lower()
        if media != "application/json" or not _plain_accept(headers.get("accept")):
            return None
        try:
            data = self.decode_json(await request.body())
            if not isinstance(data, dict) or not data.keys() <= _PLAIN_KEYS:
                return None
            query, variables = data.get("query"), data.get("variables")
            operation_name = data.get("operationName")
            if not isinstance(query, str) or not isinstance(operation_name, str | None):
                return None
            if not isinstance(variables, dict | None):
                return None
            sub_response = await self.get_sub_response(request)
            context = await self.get_context(request, sub_response)
            found = await documents.resolve(
                query, None, context.hub_id, trusted_only=context.trusted_documents_only
            )
            if found.query is None:
                return None
            await self._charge(
                request,
                context,
                sub_response,
                found.query,
                operation_name,
                variables,
                fast_path=True,
            )
        except RequestError:  # the budget is spent
            raise
        except Exception:  # the whole request again, as `run` answers it
            return None
        # Never retried by `run` once it has called the resolver: it answers even its errors.
        result: ExecutionResult | compiled_reads.Partial | None
        result = await compiled_mutations.answer(
            self.schema, found.query, operation_name, variables, context
        )
        if result is None:
            try:
                result = await compiled_reads.answer(
                    self.schema, found.query, operation_name, variables, context, whole_only=True
                )
            except Exception:  # the whole request again, as `run` answers it
                return None
        if not isinstance(result, ExecutionResult):
            return None
        return self.create_response(await self.process_result(request, result), sub_response)

    async def _charge(
        self,
        request: Request,
        context: Context,
        sub_response: Response,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        *,
        fast_path: bool = False,
    ) -> None:
        """Charges the operation's cost to the caller's budget before it runs (once per
        request, whichever path answers it); RequestError 429 when the budget is spent."""
        # Charged by the compiled fast path that then handed the request to `run`: once only.
        charged = getattr(request.state, "budget", None)
        if charged is not None:
            del request.state.budget
        else:
            valid = compiled_reads.valid_document(self.schema, query) if query else None
            cost = request_cost(
                valid[0] if valid else None,
                operation_name,
                variables,
                default_page_size=self.settings.max_page_size,
            )
            key = budgets.caller_key(actor=context.actor, address=client_ip_var.get())
            charged = (cost, *await budgets.charge(key=key, cost=cost))
        cost, bucket, outcome = charged
        limit_headers = ratelimit.headers(bucket, outcome)
        sub_response.headers.update(limit_headers)
        if not outcome.taken:
            raise RequestError(
                429,
                f"The query budget is spent: this operation costs {cost}, "
                f"{outcome.remaining} is left; retry in {outcome.retry_after} seconds.",
                "RATE_LIMITED",
                headers=limit_headers,
                retryAfter=outcome.retry_after,
                cost=ratelimit.extension(bucket, outcome, cost),
            )
        if fast_path:  # `run` may answer it after all: it must not charge it again
            request.state.budget = charged
        request.state.cost = ratelimit.extension(bucket, outcome, cost)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        cost = getattr(request.state, "cost", None)
        if cost is not None:
            result.extensions = {**(result.extensions or {}), "cost": cost}
        if result.errors:  # counted for an OAuth client's usage
            codes = [str((e.extensions or {}).get("code", "")) for e in result.errors]
            request.state.error_codes = [*getattr(request.state, "error_codes", []), *codes]
        return await super().process_result(request, result)

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

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A hash-only GET (persisted query) has no `query` either: it is not a browser visit.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            found = await documents.resolve(
                request_data.query,
                request_data.extensions,
                context.hub_id,
                trusted_only=context.trusted_documents_only,
            )
        except documents.Refused as exc:
            raise RequestError(exc.status, exc.message, exc.code) from exc
        await self._charge(
            request,
            context,
            sub_response,
            found.query,
            request_data.operation_name,
            request_data.variables,
        )
        compiled = await compiled_reads.answer(
            self.schema,
            found.query,
            request_data.operation_name,
            request_data.variables,
            context,
        )
        if isinstance(compiled, ExecutionResult):
            if found.remember and found.query:
                await documents.remember(found.remember, found.query)
            return compiled
        if compiled is not None:  # some root fields compiled: the interpreter runs the rest
            request_data = dataclasses.replace(
                request_data, query=compiled.remainder, variables=compiled.variables
            )
        else:
            GRAPHQL_OPERATIONS.labels(path="interpreted").inc()
            request_data = dataclasses.replace(request_data, query=found.query)
        try:
            result = await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )
        except HTTPException as exc:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed.
            if exc.status_code == 400 and "GET" in exc.reason:
                raise HTTPException(405, exc.reason) from exc
            raise
        if compiled is not None:
            result = compiled.merge(result)
        if found.remember and found.query and _ran(result):
            await documents.remember(found.remember, found.query)
        return result

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Signs the socket in with connection_init's `Authorization`, so that its operations
        know their hub (trusted documents) and run as the member; a token that is not valid
        is left for the operations to refuse (UNAUTHENTICATED)."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if context.actor is None and isinstance(header, str) and header:
            actor, _ = await _authenticate(header)
            if actor is not None:
                context.actor, context.hub_id = actor, actor.hub_id
                context.loaders = Loaders(actor.hub_id)
                context.trusted_documents_only = trusted_only_of(actor.member)
        return UNSET

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        accept_language = request.headers.get("accept-language")
        actor, auth_error = await _authenticate(request.headers.get("authorization"))
        act_for = request.headers.get("ch-act-for")
        if act_for is not None and actor is None:
            message = "CH-Act-For needs the coordinator signed in."
            raise RequestError(401, str(auth_error or message), "ACT_FOR_REFUSED")
        if actor is not None and act_for:
            try:
                if actor.by_token:  # no way out of its scopes
                    raise AccessDenied("CH-Act-For needs a coordinator's own session.")
                member_id = decode_id(act_for, "Member", field="CH-Act-For", invalid=_Bad.INVALID)
                actor = await proxy.act_for(coordinator=actor, member_id=member_id)
            except (AccessDenied, DomainError) as exc:
                # The whole request is refused: run as nobody, its reads would answer as if
                # anonymous, and the app could show the wrong member's screen as theirs.
                raise RequestError(403, str(exc), "ACT_FOR_REFUSED") from exc
        hub_id: int | None
        if actor is not None:
            # A coordinator acts in their own hub: its flag came with their token.
            hub_id, trusted = actor.hub_id, trusted_only_of(actor.acted_by or actor.member)
            locale = i18n.reader_locale(actor.acted_by or actor.member, accept_language)
        else:
            hub = await _hub_from_header(request.headers.get("ch-hub"))
            hub_id, trusted = (hub.id, hub.trusted_documents_only) if hub else (None, False)
            locale = i18n.resolve(hub=hub.locale if hub else None, accept_language=accept_language)
        i18n.set_locale(locale)  # the request's reader: payload errors, notifications, names
        if actor is not None and actor.api_client_id is not None:
            request.state.api_client_id = actor.api_client_id
        return Context(
            request=request,
            response=response,
            actor=actor,
            hub_id=hub_id,
            auth_error=auth_error,
            loaders=Loaders(hub_id),
            trusted_documents_only=trusted,
            locale=locale,
        )

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return _encode(data)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        request_accept = getattr(sub_response, "accept", "")
        request_error = GRAPHQL_RESPONSE in request_accept and _is_request_error(response_data)
        if request_error:
            # GraphQL over HTTP: a request error (parse, validation) has no `data` entry at all.
            assert isinstance(response_data, dict)
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[assignment]
        response = super().create_response(response_data, sub_response)
        if GRAPHQL_RESPONSE in request_accept:
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if request_error:
                response.status_code = 400
        return response

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub = await super().get_sub_response(request)
        sub.accept = request.headers.get("accept", "")  # type: ignore[attr-defined]
        return sub


_PLAIN_KEYS = {"query", "variables", "operationName"}
_PLAIN_MEDIA = {"*/*", "application/json", GRAPHQL_RESPONSE}


def _plain_accept(accept: str | None) -> bool:
    """No Accept, or only media types a single JSON answer serves (no streams)."""
    if not accept:
        return True
    return all(part.partition(";")[0].strip().lower() in _PLAIN_MEDIA for part in accept.split(","))


def _ran(result: object) -> bool:
    """Whether the operation got past parsing and validation (then its document is worth
    remembering for APQ)."""
    if not isinstance(result, ExecutionResult):
        return False
    return result.data is not None or not result.errors or any(e.path for e in result.errors)


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
        # Guests too: the policy table lets them call what it marks for guests (schema/policy.py).
        return await auth.authenticate(token.strip(), guests=True), None
    except NotAuthenticated as exc:
        return None, exc


async def _hub_from_header(slug: str | None) -> hubs.HubRef | None:
    if slug and unstorable(slug):
        raise RequestError(400, "CH-Hub: not a hub slug.", "BAD_USER_INPUT")
    return await hubs.ref_by_slug(slug) if slug else None


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
    request.state.error_codes = [str(error.extensions.get("code", ""))]
    accept = request.headers.get("accept", "")
    media_type = GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in accept else "application/json"
    return Response(
        _encode(body), status_code=error.status, media_type=media_type, headers=error.headers
    )


def _encode(data: object) -> bytes:
    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        # A lone surrogate echoed from the input, an integer beyond 64 bits: still JSON
        # (the stdlib escapes the surrogate as \udXXX).
        return json.dumps(data, default=_plain).encode()


def _plain(value: object) -> object:
    """What the stdlib encoder writes for what orjson wrote as is (a Fragment: its JSON)."""
    if isinstance(value, orjson.Fragment):
        return json.loads(orjson.dumps(value))
    return str(value)
