"""Open311 GeoReport v2 (JSON) over the problem reports: services (categories), service
definitions, requests (reports) read with the specification's filters, and posted.

Spec: https://wiki.open311.org/GeoReport_v2. Statuses are `open` (OPEN, CONFIRMED,
IN_PROGRESS) and `closed` (FIXED, CLOSED); times are ISO 8601 with their offset (UTC); a
request's place is its public place (rounded unless the reporter agreed), as in the app.
Errors are the specification's array: `[{"code": 400, "description": "..."}]`.
A service_request_id is the report's global ID (app/ids.py), so `node(id:)` reads it back.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app import ids
from app.actor import Actor
from app.civic.errors import CivicErrorCode as E
from app.civic.problems import reports
from app.civic.problems.models import ProblemCategory, ProblemReport, ProblemStatus
from app.errors import DomainError, DomainErrors
from app.hubs.models import Hub
from app.oauth.scopes import Scope
from app.organisations.models import Organisation
from app.policy import Viewer, visible

OPEN = (ProblemStatus.OPEN, ProblemStatus.CONFIRMED, ProblemStatus.IN_PROGRESS)
CLOSED = (ProblemStatus.FIXED, ProblemStatus.CLOSED)
DEFAULT_DAYS = 90  # the spec's default window when no date is given
MAX_DAYS = 90  # and the widest one a query may ask for
MAX_REQUESTS = 1000
MAX_IDS = 100


@dataclass
class Open311Error(Exception):
    status: int
    description: str

    def body(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": self.description}]


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _service(category: ProblemCategory) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.name,
        "metadata": False,  # no extra attributes to ask for
        "type": "realtime",
        "keywords": "",
        "group": category.group,
    }


async def services(hub: Hub) -> list[dict[str, Any]]:
    rows = await ProblemCategory.filter(hub_id=hub.id).order_by("slug")
    return [_service(c) for c in rows]


async def service_definition(hub: Hub, code: str) -> dict[str, Any]:
    category = await ProblemCategory.get_or_none(hub_id=hub.id, slug=code[:60])
    if category is None:
        raise Open311Error(404, f"No service with service_code {code[:60]!r}.")
    return {"service_code": category.slug, "attributes": []}


def _status_notes(report: ProblemReport) -> str:
    return report.close_reason if report.status == ProblemStatus.CLOSED else ""


def _request(
    report: ProblemReport, categories: dict[int, ProblemCategory], agencies: dict[int, str]
) -> dict[str, Any]:
    category = categories[report.category_id]
    agency = agencies.get(report.organisation_id or 0, "The council")
    return {
        "service_request_id": ids.global_id("ProblemReport", report.id),
        "status": "closed" if report.status in CLOSED else "open",
        "status_notes": _status_notes(report),
        "service_name": category.name,
        "service_code": category.slug,
        "description": report.description,
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": _time(report.created_at),
        "updated_datetime": _time(report.status_changed_at or report.created_at),
        "expected_datetime": None,
        "address": "",  # the reporter's and responsible body's only
        "address_id": "",
        "zipcode": "",
        "lat": report.public_lat,
        "long": report.public_lng,
        "media_url": report.photo_urls[0] if report.photo_urls else "",
    }


def _date(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name} is not a W3C (ISO 8601) date and time.") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


async def _rows(hub: Hub, query: Any) -> list[dict[str, Any]]:
    found: list[ProblemReport] = await query
    category_ids = {r.category_id for r in found}
    categories = {c.id: c for c in await ProblemCategory.filter(hub_id=hub.id, id__in=category_ids)}
    org_ids = {r.organisation_id for r in found if r.organisation_id}
    agencies = dict(
        await Organisation.filter(hub_id=hub.id, id__in=org_ids).values_list("id", "name")
    )
    return [_request(r, categories, agencies) for r in found]  # type: ignore[arg-type]


async def requests(
    hub: Hub, params: dict[str, str], now: datetime | None = None
) -> list[dict[str, Any]]:
    """GET requests: service_request_id (comma-separated; the other filters are then
    ignored, as the spec says), service_code, start_date, end_date (the last 90 days by
    default), status (open, closed or both); newest first, at most 1000."""
    viewer = Viewer.of(None, hub_id=hub.id)
    query = await visible(viewer, "ProblemReport", ProblemReport.filter(hub_id=hub.id))
    if params.get("service_request_id"):
        wanted = params["service_request_id"].split(",")
        if len(wanted) > MAX_IDS:
            raise Open311Error(400, f"At most {MAX_IDS} service_request_id values.")
        try:
            pks = [ids.pk_of(w.strip(), "ProblemReport") for w in wanted]
        except ValueError as exc:
            raise Open311Error(400, "service_request_id is not one of this server's.") from exc
        return await _rows(hub, query.filter(id__in=pks).order_by("-id"))
    now = now or datetime.now(UTC)
    end = _date(params, "end_date")
    start = _date(params, "start_date")
    if start is None:
        start = (end or now) - timedelta(days=DEFAULT_DAYS)
    if end is None:
        end = start + timedelta(days=MAX_DAYS) if params.get("start_date") else now
    if end < start:
        raise Open311Error(400, "end_date is before start_date.")
    if end - start > timedelta(days=MAX_DAYS):
        raise Open311Error(400, f"At most {MAX_DAYS} days between start_date and end_date.")
    query = query.filter(created_at__gte=start, created_at__lte=end)
    if params.get("service_code"):
        codes = [c.strip()[:60] for c in params["service_code"].split(",")]
        query = query.filter(category__slug__in=codes)
    if params.get("status"):
        wanted_statuses: list[ProblemStatus] = []
        for status in params["status"].split(","):
            if status.strip() == "open":
                wanted_statuses += OPEN
            elif status.strip() == "closed":
                wanted_statuses += CLOSED
            else:
                raise Open311Error(400, "status is open, closed or both (comma-separated).")
        query = query.filter(status__in=wanted_statuses)
    return await _rows(hub, query.order_by("-created_at", "-id").limit(MAX_REQUESTS))


async def request(hub: Hub, request_id: str) -> list[dict[str, Any]]:
    try:
        ids.pk_of(request_id, "ProblemReport")
    except ValueError as exc:
        raise Open311Error(404, "No such service request.") from exc
    found = await requests(hub, {"service_request_id": request_id})
    if not found:
        raise Open311Error(404, "No such service request.")
    return found


def _number(params: dict[str, str], name: str) -> float | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise Open311Error(400, f"{name} is a number (WGS84 decimal degrees).") from exc


async def post_request(hub: Hub, actor: Actor, params: dict[str, str]) -> list[dict[str, Any]]:
    """POST requests: a report by the api_key's member (or API client's service identity).
    lat and long are required: this server does not geocode an address_string, which is
    kept as the report's (private) address."""
    if actor.hub_id != hub.id:
        raise Open311Error(403, "This api_key is not for this jurisdiction.")
    if actor.by_token and not actor.has_scope(Scope.PROBLEMS_REPORT):
        raise Open311Error(403, f"This api_key lacks the {Scope.PROBLEMS_REPORT.value} scope.")
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required.")
    category = await ProblemCategory.get_or_none(hub_id=hub.id, slug=code[:60])
    if category is None:
        raise Open311Error(404, f"No service with service_code {code[:60]!r}.")
    lat, lng = _number(params, "lat"), _number(params, "long")
    if lat is None or lng is None:
        if params.get("address_string") or params.get("address_id"):
            raise Open311Error(
                400, "lat and long are required: this server does not geocode addresses."
            )
        raise Open311Error(400, "A location is required: lat and long.")
    media = params.get("media_url", "").strip()
    try:
        report = await reports.report_problem(
            actor=actor,
            category_id=category.id,
            location=(lat, lng),
            description=params.get("description", "").strip() or category.name,
            photo_urls_=[media] if media else [],
            address=params.get("address_string", "")[:200],
            api_client_id=actor.api_client_id,
        )
    except DomainErrors as exc:
        raise Open311Error(400, "; ".join(e.message for e in exc.errors)) from exc
    except DomainError as exc:
        if exc.code == E.RATE_LIMITED:
            raise Open311Error(429, exc.message) from exc
        field = {"location": "lat/long", "photoUrls": "media_url"}.get(exc.field or "", exc.field)
        raise Open311Error(400, f"{field}: {exc.message}" if field else exc.message) from exc
    created = ids.global_id("ProblemReport", report.id)
    return [{"service_request_id": created, "service_notice": "", "account_id": None}]
