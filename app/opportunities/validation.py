"""Checks of opportunity fields, shared by create and update; every error names its field."""

from datetime import UTC, datetime, timedelta
from typing import Any

import h3
from dateutil.rrule import rrulestr

from app import validation as v
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.opportunities.errors import OpportunityErrorCode as E
from app.opportunities.models import OpportunityKind, Urgency
from app.people.models import CheckKind

MAX_SKILLS = 20
MAX_HORIZON = timedelta(days=2 * 365)
MAX_EXPIRY = timedelta(days=365)

_TEXT = {
    "title": (160, False),
    "description": (10_000, True),
    "address": (200, False),
    "area_name": (120, False),
    "contact_details": (500, True),
}
_CAMEL = {
    "area_name": "areaName",
    "contact_details": "contactDetails",
    "starts_at": "startsAt",
    "ends_at": "endsAt",
    "min_age": "minAge",
    "required_checks": "requiredChecks",
    "skill_ids": "skillIds",
    "expires_at": "expiresAt",
    "auto_accept": "autoAccept",
    "lat": "location",
}


def field_name(name: str) -> str:
    return _CAMEL.get(name, name)


def clean(values: dict[str, Any]) -> dict[str, Any]:
    """Validates the given fields (all of them, reporting every error) and normalises them."""
    bag = ErrorBag()
    out: dict[str, Any] = {}
    for name, value in values.items():
        with bag.catch():
            out.update(_clean_one(name, value))
    bag.raise_if_any()
    return out


def _clean_one(name: str, value: Any) -> dict[str, Any]:
    field = field_name(name)
    if name in _TEXT:
        max_length, multiline = _TEXT[name]
        required = name == "title"
        text = v.text(
            value or "",
            field=field,
            max_length=max_length,
            invalid=E.INVALID,
            required=required,
            multiline=multiline,
        )
        if name == "title" and len(text) < 3:
            raise DomainError(E.INVALID, _("At least 3 characters."), field)
        return {name: text}
    if name == "location":
        return _location(value)
    if name == "places":
        return {name: v.int_range(value, field=field, low=1, high=10_000, invalid=E.INVALID)}
    if name == "min_age":
        if value is None:
            return {name: None}
        return {name: v.int_range(value, field=field, low=1, high=120, invalid=E.INVALID)}
    if name == "required_checks":
        return {name: _checks(value)}
    if name == "skill_ids":
        if len(value) > MAX_SKILLS:
            raise DomainError(
                E.INVALID, _("At most {MAX_SKILLS} skills.", MAX_SKILLS=MAX_SKILLS), field
            )
        return {name: list(dict.fromkeys(value))}
    if name in {"starts_at", "ends_at", "expires_at"}:
        return {name: _aware(value, field)}
    if name == "recurrence":
        return {name: _rrule(value or "")}
    if name == "kind":
        return {name: OpportunityKind(value)}
    if name == "urgency":
        return {name: Urgency(value)}
    return {name: value}


def _location(value: tuple[float, float] | None) -> dict[str, Any]:
    if value is None:
        return {"lat": None, "lng": None, "cell8": None, "cell6": None, "cell4": None}
    lat, lng = value
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(
            E.INVALID, _("Latitude must be within ±90 and longitude within ±180."), "location"
        )
    cell8 = h3.latlng_to_cell(lat, lng, 8)
    return {
        "lat": lat,
        "lng": lng,
        "cell8": cell8,
        "cell6": h3.cell_to_parent(cell8, 6),
        "cell4": h3.cell_to_parent(cell8, 4),
    }


def _checks(value: list[str]) -> list[str]:
    known = {c.value for c in CheckKind}
    unknown = [c for c in value if c not in known]
    if unknown:
        raise DomainError(
            E.INVALID, _("Unknown checks: {names}.", names=", ".join(unknown)), "requiredChecks"
        )
    return sorted(set(value))


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise DomainError(E.INVALID, _("Give a time zone (UTC offset)."), field)
    return value.astimezone(UTC)


def _rrule(value: str) -> str:
    value = value.strip().removeprefix("RRULE:")
    if not value:
        return ""
    if len(value) > 200:
        raise DomainError(E.INVALID, _("At most 200 characters."), "recurrence")
    try:
        rrulestr(value, dtstart=datetime(2026, 1, 1, tzinfo=UTC))
    except (ValueError, TypeError) as exc:
        raise DomainError(
            E.INVALID, _("Not an iCalendar RRULE: {exc}", exc=exc), "recurrence"
        ) from exc
    if "COUNT=" not in value and "UNTIL=" not in value:
        raise DomainError(E.INVALID, _("A recurrence needs COUNT or UNTIL."), "recurrence")
    return value


def check_consistency(row: dict[str, Any], *, now: datetime, publishing: bool) -> None:
    """Rules across fields, on the would-be state of the opportunity."""
    bag = ErrorBag()
    starts, ends, expires = row.get("starts_at"), row.get("ends_at"), row.get("expires_at")
    if starts and ends and ends <= starts:
        bag.add(E.INVALID, _("Must be after the start."), "endsAt")
    if starts and starts > now + MAX_HORIZON:
        bag.add(E.INVALID, _("At most two years ahead."), "startsAt")
    if publishing and starts and starts <= now:
        bag.add(E.INVALID, _("Must be in the future to publish."), "startsAt")
    if row.get("recurrence") and not starts:
        bag.add(E.INVALID, _("A recurrence needs a start."), "recurrence")
    if expires and expires <= now:
        bag.add(E.INVALID, _("Must be in the future."), "expiresAt")
    if expires and expires > now + MAX_EXPIRY:
        bag.add(E.INVALID, _("At most one year ahead."), "expiresAt")
    if not row.get("remote") and row.get("lat") is None and publishing:
        bag.add(E.INVALID, _("Give a location, or mark the opportunity remote."), "location")
    bag.raise_if_any()
