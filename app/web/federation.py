"""POST /federation/messages: signed messages from partner installations (app/federation)."""

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.federation import receiving

MAX_BODY = 64 * 1024


async def messages(request: Request) -> JSONResponse:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        return JSONResponse({"error": "too_large"}, status_code=413)
    try:
        answer = await receiving.receive(str(request.url), dict(request.headers), raw)
    except receiving.Refused as exc:
        return JSONResponse({"error": exc.code}, status_code=exc.status)
    return JSONResponse(answer)
