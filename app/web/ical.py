"""iCalendar feeds: GET /ical/{token}.ics (app/assets/feeds.py builds them).

Calendar clients poll: they get a strong ETag (the SHA-256 of the body) and may revalidate
with If-None-Match (304, nothing sent again); `Cache-Control: private, max-age=300` lets a
client reuse an answer for five minutes and keeps shared caches out (the URL is a secret).
Last-Modified tells when an event in the feed last changed, for people; it is no validator
(a booking leaving the feed changes no event still in it), so If-Modified-Since alone is not
answered with 304. An unknown, revoked or rotated-away token is a 404, like a page that never
existed.
"""

from datetime import UTC
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from app.assets.feeds import render

CACHE_CONTROL = "private, max-age=300"
_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}


async def feed(request: Request) -> Response:
    token = request.path_params["token"].removesuffix(".ics")
    rendered = await render(token)
    if rendered is None:
        return PlainTextResponse(
            "No such calendar: the link was revoked or replaced, or never existed.",
            404,
            headers={**_HEADERS, "Cache-Control": "no-store"},
        )
    headers = {
        **_HEADERS,
        "ETag": rendered.etag,
        "Last-Modified": format_datetime(rendered.last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": CACHE_CONTROL,
    }
    known = _etags(request.headers.get("if-none-match", ""))
    if rendered.etag in known or "*" in known:
        return Response(status_code=304, headers=headers)
    return Response(
        rendered.body,
        headers={**headers, "Content-Disposition": 'inline; filename="calendar.ics"'},
        media_type="text/calendar; charset=utf-8",
    )


def _etags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header (weak ones compare weakly, RFC 9110)."""
    if header.strip() == "*":
        return {"*"}
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
