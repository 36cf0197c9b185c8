"""A member's data export, fetched through the emailed link (JSON, or ?format=html)."""

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from app.gdpr import export as exports

_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


async def download(request: Request) -> Response:
    try:
        found = await exports.by_token(request.path_params["token"])
    except exports.LinkExpired:
        return HTMLResponse(
            "<h1>Link expired</h1><p>Ask for a new copy of your data in the app.</p>", 410, _HEADERS
        )
    if found is None:
        return HTMLResponse("<h1>Not found</h1><p>This link is not valid.</p>", 404, _HEADERS)
    if request.query_params.get("format") == "html":
        return HTMLResponse(found.html or "", headers=_HEADERS)
    headers = {**_HEADERS, "Content-Disposition": 'attachment; filename="my-data.json"'}
    return JSONResponse(found.content, headers=headers)
