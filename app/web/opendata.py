"""Open data feeds of a hub, public and cacheable (app/opendata builds them):

- Open Referral HSDS 3.0 API under /hsds/{hub}/: `/`, `/organizations[/{id}]`,
  `/services[/{id}]`, `/service_at_locations[/{id}]` (and `/locations[/{id}]`, outside the
  specification's endpoints);
- the UK Volunteering Data Standard: /opendata/{hub}/volunteering.json;
- 360Giving: /opendata/{hub}/360giving.json.

The hub is named in the path, like the Open Badges documents (app/web/badges.py): a feed's URL
is then all an aggregator or a shared cache needs. Every answer has a strong ETag (the SHA-256
of its body) and answers If-None-Match with 304. Last-Modified tells people when the feed's
rows last changed; it is no validator (an opportunity passing its expiry time, a renamed
category or a new licence change a feed without changing a row's time), so If-Modified-Since
alone is not answered with 304, as for the calendar feeds (app/web/ical.py).
`Cache-Control: public, max-age=300`; the licence in
the body and in a `Link: <…>; rel="license"` header. Bad input is a 400 JSON error with a code,
the parameter and a message; an unknown hub or id a 404 in the same form.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import UTC
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.hubs.models import Hub
from app.opendata import giving, hsds, volunteering
from app.opendata.common import Feed, OpenDataError, hub_of, paging

CACHE_CONTROL = "public, max-age=300"
_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Encoding",
}

Build = Callable[[Hub, Request], Awaitable[Feed]]


def _error(exc: OpenDataError) -> Response:
    body = {"error": {"code": exc.code.value, "field": exc.field, "message": exc.message}}
    return JSONResponse(body, exc.status, headers={**_HEADERS, "Cache-Control": "no-store"})


def _endpoint(
    build: Build, media_type: str = "application/json"
) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            hub = await hub_of(request.path_params["hub"])
            feed = await build(hub, request)
        except OpenDataError as exc:
            return _error(exc)
        return respond(request, feed, media_type)

    return endpoint


def respond(request: Request, feed: Feed, media_type: str) -> Response:
    body = json.dumps(feed.body, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = feed.last_modified.astimezone(UTC).replace(microsecond=0)
    headers = {
        **_HEADERS,
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        "Link": f'<{feed.licence.url}>; rel="license"',
    }
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=media_type)


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match names this entity tag (compared weakly, RFC 9110 §13.1.2) or is "*"."""
    if if_none_match is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",") if t.strip()}
    return etag in tags or "*" in tags


def _params(request: Request) -> dict[str, str]:
    return dict(request.query_params)


async def _about(hub: Hub, request: Request) -> Feed:
    return await hsds.about(hub)


async def _organizations(hub: Hub, request: Request) -> Feed:
    return await hsds.organizations(hub, paging(_params(request)))


async def _organization(hub: Hub, request: Request) -> Feed:
    return await hsds.organization(hub, request.path_params["id"])


async def _services(hub: Hub, request: Request) -> Feed:
    params = _params(request)
    return await hsds.services(hub, paging(params), params)


async def _service(hub: Hub, request: Request) -> Feed:
    return await hsds.service(hub, request.path_params["id"])


async def _service_at_locations(hub: Hub, request: Request) -> Feed:
    params = _params(request)
    return await hsds.service_at_locations(hub, paging(params), params)


async def _service_at_location(hub: Hub, request: Request) -> Feed:
    return await hsds.service_at_location(hub, request.path_params["id"])


async def _locations(hub: Hub, request: Request) -> Feed:
    return await hsds.locations(hub, paging(_params(request)))


async def _location(hub: Hub, request: Request) -> Feed:
    return await hsds.location(hub, request.path_params["id"])


async def _volunteering(hub: Hub, request: Request) -> Feed:
    return await volunteering.feed(hub, paging(_params(request)))


async def _giving(hub: Hub, request: Request) -> Feed:
    return await giving.feed(hub, paging(_params(request)))


about = _endpoint(_about)
organizations = _endpoint(_organizations)
organization = _endpoint(_organization)
services = _endpoint(_services)
service = _endpoint(_service)
service_at_locations = _endpoint(_service_at_locations)
service_at_location = _endpoint(_service_at_location)
locations = _endpoint(_locations)
location = _endpoint(_location)
volunteering_feed = _endpoint(_volunteering, "application/ld+json")
giving_feed = _endpoint(_giving)
