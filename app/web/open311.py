"""Open311 GeoReport v2 (JSON) endpoints of a hub's problem reports (app/civic/problems/
open311.py builds the answers), under /open311/{hub}/v2/:

- GET discovery.json (the service discovery document the specification asks for)
- GET services.json, GET services/{service_code}.json
- GET requests.json (service_request_id, service_code, start_date, end_date, status)
- GET requests/{service_request_id}.json
- POST requests.json (form-encoded or JSON): api_key is a member's access token or an API
  client's OAuth access token with the problems:report scope.

`jurisdiction_id`, when given, must be the hub's slug. Only `.json` is served (the
specification makes XML required and JSON optional: XML is not done yet): any other format
answers 404 in the JSON error form.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.auth import service as auth
from app.civic.problems import open311
from app.civic.problems.open311 import Open311Error
from app.errors import NotAuthenticated
from app.hubs.models import Hub

_HEADERS = {"Access-Control-Allow-Origin": "*", "X-Content-Type-Options": "nosniff"}
MAX_FORM_FIELDS = 50


def _error(exc: Open311Error) -> Response:
    return JSONResponse(exc.body(), exc.status, headers={**_HEADERS, "Cache-Control": "no-store"})


async def _hub(request: Request, params: dict[str, str]) -> Hub:
    slug = request.path_params["hub"][:60]
    hub = await Hub.get_or_none(slug=slug)
    if hub is None:
        raise Open311Error(404, "No such jurisdiction.")
    jurisdiction = params.get("jurisdiction_id")
    if jurisdiction and jurisdiction != hub.slug:
        raise Open311Error(404, "No such jurisdiction.")
    return hub


def _format(request: Request) -> None:
    if request.path_params.get("format", "json") != "json":
        raise Open311Error(404, "Only the JSON format is served.")


Handler = Callable[[Hub, Request, dict[str, str]], Awaitable[Any]]


def _endpoint(handler: Handler, status: int = 200) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            _format(request)
            params = dict(request.query_params)
            if request.method == "POST":
                params |= await _body(request)
            hub = await _hub(request, params)
            body = await handler(hub, request, params)
        except Open311Error as exc:
            return _error(exc)
        return JSONResponse(body, status, headers={**_HEADERS, "Cache-Control": "no-store"})

    return endpoint


async def _body(request: Request) -> dict[str, str]:
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = await request.json()
        except ValueError as exc:
            raise Open311Error(400, "The body is not JSON.") from exc
        if not isinstance(data, dict):
            raise Open311Error(400, "The body is a JSON object.")
        return {str(k): str(v) for k, v in data.items() if v is not None}
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _services(hub: Hub, request: Request, params: dict[str, str]) -> Any:
    return await open311.services(hub)


async def _service(hub: Hub, request: Request, params: dict[str, str]) -> Any:
    return await open311.service_definition(hub, request.path_params["code"])


async def _requests(hub: Hub, request: Request, params: dict[str, str]) -> Any:
    return await open311.requests(hub, params)


async def _request(hub: Hub, request: Request, params: dict[str, str]) -> Any:
    return await open311.request(hub, request.path_params["id"])


async def _post(hub: Hub, request: Request, params: dict[str, str]) -> Any:
    key = params.get("api_key", "")
    if not key:
        raise Open311Error(403, "api_key is required to post a service request.")
    try:
        actor = await auth.authenticate(key[:200])
    except NotAuthenticated as exc:
        raise Open311Error(403, f"api_key: {exc}") from exc
    return await open311.post_request(hub, actor, params)


services = _endpoint(_services)
service = _endpoint(_service)
requests = _endpoint(_requests)
request_by_id = _endpoint(_request)
# 200, not 201: the specification names no other success code, and clients check for it.
post_request = _endpoint(_post)


async def _discovery(hub: Hub, request: Request, params: dict[str, str]) -> Any:
    base = str(request.base_url).rstrip("/")
    return {
        "changeset": "2026-12-02T00:00:00Z",
        "contact": f"The {hub.name} team, through {base}",
        "key_service": "api_key: a member's access token or an OAuth access token",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": f"{base}/open311/{hub.slug}/v2",
                "changeset": "2026-12-02T00:00:00Z",
                "type": "production",
                "formats": ["application/json"],
            }
        ],
    }


discovery = _endpoint(_discovery)
