"""Request id, access log and HTTP metrics for every request (pure ASGI: no body buffering).

An exception that escapes a route before it has answered becomes a JSON 500 carrying the
request id here, logged at ERROR; Starlette's own plain-text 500 would lack the id and make
uvicorn drop the keep-alive connection.
"""

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import client_ip_var, request_id_var
from app.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = logging.getLogger("communityhub.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_KNOWN_ROUTES = {"/graphql", "/healthz", "/readyz", "/metrics"}


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        client = scope.get("client")
        address = client_ip_var.set(client[0] if client else None)
        route = scope["path"] if scope["path"] in _KNOWN_ROUTES else "other"
        status = 500
        started = time.perf_counter()
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if scope["type"] != "http" or response_started:
                raise
            log.exception("unexpected error", extra={"request_id": request_id})
            await _internal_error(send_with_id, request_id)
        finally:
            elapsed = time.perf_counter() - started
            if scope["type"] == "http":
                counted, timed = _series(scope["method"], route, status)
                counted.inc()
                timed.observe(elapsed)
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "ms": round(elapsed * 1000, 1),
                    },
                )
            request_id_var.reset(token)
            client_ip_var.reset(address)


_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _series(method: str, route: str, status: int) -> tuple[Any, Any]:
    """The request counter's and latency histogram's series of a request (prometheus's
    labels() takes a lock and validates the labels on every call: remembered, few kinds)."""
    key = (method, route, status)
    found = _children.get(key)
    if found is None:
        if len(_children) > 1_000:  # methods come from clients: bounded
            _children.clear()
        found = _children[key] = (
            HTTP_REQUESTS.labels(method, route, str(status)),
            HTTP_LATENCY.labels(route),
        )
    return found


async def _internal_error(send: Send, request_id: str) -> None:
    message = f"Unexpected error. Quote request id {request_id} if you report it."
    extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    body = json.dumps({"errors": [{"message": message, "extensions": extensions}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})
