"""POST /sensors/v1/readings: a device's batch of readings (app/civic/sensors/ingest.py).

The device's key goes in the `X-Device-Key` header; the body is JSON:
`{"device": "<optional SensorDevice ID>", "readings": [{"time": "2026-12-02T11:00:00Z",
"noise_db": 54.2, "pm25": 8.1, "pm10": 12.0, "temperature": 7.5, "humidity": 81}, ...]}`
(any of the five measurements; `lat`/`lng` for a reading taken elsewhere). Answers 200
`{"added": n, "sent": m}` (a batch sent again adds 0), or 400/401/403 with
`{"errors": [{"code", "field", "message"}]}` and nothing written.
"""

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from app import ids
from app.civic.errors import CivicErrorCode as E
from app.civic.sensors import ingest
from app.errors import DomainError, DomainErrors

STATUS = {E.BAD_KEY: 401, E.FORBIDDEN: 403}


def _errors(errors: list[DomainError]) -> JSONResponse:
    status = max((STATUS.get(e.code, 400) for e in errors), default=400)  # type: ignore[call-overload]
    body = {
        "errors": [
            {"code": str(e.code.value), "field": e.field, "message": e.message} for e in errors
        ]
    }
    return JSONResponse(body, status, headers={"Cache-Control": "no-store"})


async def readings(request: Request) -> JSONResponse:
    try:
        data: Any = await request.json()
    except ValueError:
        return _errors([DomainError(E.INVALID, "The body is not JSON.", None)])
    if not isinstance(data, dict):
        return _errors([DomainError(E.INVALID, "The body is a JSON object.", None)])
    device_id = None
    if data.get("device") is not None:
        try:
            device_id = ids.pk_of(str(data["device"]), "SensorDevice")
        except ValueError:
            return _errors([DomainError(E.INVALID, "Not a SensorDevice ID.", "device")])
    try:
        added, sent = await ingest.ingest(
            key=request.headers.get("x-device-key", ""),
            readings=data.get("readings"),
            device_id=device_id,
        )
    except DomainErrors as exc:
        return _errors(exc.errors)
    except DomainError as exc:
        return _errors([exc])
    return JSONResponse({"added": added, "sent": sent}, headers={"Cache-Control": "no-store"})
