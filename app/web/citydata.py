"""City data downloads: GET /citydata/export.csv, /citydata/export.json (dashboard-ready) and
/citydata/dictionary.csv, authenticated like /graphql (`Authorization: Bearer <access token>`)
and allowed to the hub's analysts and hub admins (app/citydata/policy.py).

The query string asks what `cityData` asks: metrics (comma-separated, e.g.
`requests_posted,offers_posted`), areaBy (hub, cell, ward), resolution, areas (comma-separated),
period (week, month), since, until (YYYY-MM-DD) and byDimension (true/false). Errors are JSON
`{"error": {"code", "field", "message"}}`: 401 UNAUTHENTICATED, 403 FORBIDDEN, 400 INVALID,
404 NOT_FOUND.
"""

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.auth import service as auth
from app.citydata import aggregates, export
from app.citydata.errors import CityDataErrorCode as E
from app.citydata.grid import AreaBy, PeriodBy
from app.citydata.metrics import Metric
from app.errors import AccessDenied, DomainError, NotAuthenticated
from app.i18n import _
from app.oauth.scopes import Scope
from app.policy import Viewer

_HEADERS = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
KINDS = {"export.csv", "export.json", "dictionary.csv"}
_STATUS = {"INVALID": 400, "NOT_FOUND": 404, "FORBIDDEN": 403, "UNAUTHENTICATED": 401}


def _error(code: str, message: str, field: str | None = None) -> Response:
    return JSONResponse(
        {"error": {"code": code, "field": field, "message": message}},
        status_code=_STATUS.get(code, 400),
        headers=_HEADERS,
    )


async def _viewer(request: Request) -> Viewer:
    header = request.headers.get("authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(_("Use 'Authorization: Bearer <access token>'."))
    actor = await auth.authenticate(token.strip())
    if not actor.has_scope(Scope.CITYDATA_READ):
        raise AccessDenied(_("An OAuth token needs the scope citydata:read for this download."))
    return Viewer.of(actor)


def _enum(kind: Any, raw: str, field: str) -> Any:
    try:
        return kind(raw.strip().lower())
    except ValueError:
        names = ", ".join(m.value for m in kind)
        raise DomainError(
            E.INVALID, _("{field} is one of {names}.", field=field, names=names), field
        ) from None


def _date(raw: str | None, field: str) -> date:
    if not raw:
        raise DomainError(E.INVALID, _("Give {field} (YYYY-MM-DD).", field=field), field)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            E.INVALID, _("{field} is a date (YYYY-MM-DD).", field=field), field
        ) from None


def question(request: Request) -> dict[str, Any]:
    """The query string as `aggregates.answer`'s keyword arguments."""
    q = request.query_params
    resolution = q.get("resolution")
    if resolution is not None and not resolution.strip().lstrip("-").isdigit():
        raise DomainError(E.INVALID, _("resolution is a whole number."), "resolution")
    return {
        "metrics": [
            _enum(Metric, m, "metrics") for m in q.get("metrics", "").split(",") if m.strip()
        ],
        "area_by": _enum(AreaBy, q.get("areaBy", "hub"), "areaBy"),
        "resolution": int(resolution) if resolution is not None else None,
        "areas": [a.strip() for a in q.get("areas", "").split(",") if a.strip()] or None,
        "period": _enum(PeriodBy, q.get("period", "month"), "period"),
        "since": _date(q.get("since"), "since"),
        "until": _date(q.get("until"), "until"),
        "by_dimension": q.get("byDimension", "false").lower() in ("1", "true", "yes"),
    }


async def download(request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind not in KINDS:
        return _error("NOT_FOUND", "Downloads: " + ", ".join(sorted(KINDS)) + ".")
    try:
        viewer = await _viewer(request)
        if kind == "dictionary.csv":
            aggregates.policy.require_reader(viewer)
            return Response(
                export.dictionary_csv(),
                media_type="text/csv; charset=utf-8",
                headers={
                    **_HEADERS,
                    "Content-Disposition": 'attachment; filename="citydata-dictionary.csv"',
                },
            )
        answer = await aggregates.answer(viewer=viewer, **question(request))
    except NotAuthenticated as exc:
        return _error("UNAUTHENTICATED", str(exc))
    except AccessDenied as exc:
        return _error(exc.code, str(exc))
    except DomainError as exc:
        return _error(exc.code.name, exc.message, exc.field)
    if kind == "export.json":
        return JSONResponse(export.dashboard(answer), headers=_HEADERS)
    return Response(
        export.answer_csv(answer),
        media_type="text/csv; charset=utf-8",
        headers={
            **_HEADERS,
            "Content-Disposition": 'attachment; filename="citydata.csv"',
            "Link": '</citydata/dictionary.csv>; rel="describedby"; type="text/csv"',
        },
    )
