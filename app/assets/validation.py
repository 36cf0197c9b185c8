"""Checks of asset fields, shared by create and update; every error names its (API) field."""

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import h3

from app import validation as v
from app.assets.errors import AssetErrorCode as E
from app.assets.models import AssetKind, Audience, Condition
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.people.models import CheckKind, Weekday

MAX_PHOTOS = 10
MAX_WINDOWS = 21  # three a day
MAX_MINUTES = 365 * 24 * 60
MAX_CREDITS = 1_000_000_000
MAX_QUANTITY = 100_000
MAX_WEIGHT_KG = 100_000.0

_TEXT = {
    "title": (160, False),
    "description": (10_000, True),
    "address": (200, False),
    "area_name": (120, False),
    "contact_details": (500, True),
}
_CAMEL = {
    "category_id": "assetCategoryId",
    "area_name": "areaName",
    "contact_details": "contactDetails",
    "weight_kg": "weightKg",
    "requires_approval": "requiresApproval",
    "opening_hours": "openingHours",
    "min_minutes": "minMinutes",
    "max_minutes": "maxMinutes",
    "notice_minutes": "noticeMinutes",
    "cancel_notice_minutes": "cancelNoticeMinutes",
    "required_checks": "requiredChecks",
    "price_credits": "priceCredits",
    "deposit_credits": "depositCredits",
    "organisation_id": "organisationId",
    "within_km": "withinKm",
    "lat": "location",
}
_CLOCK = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
_WEEKDAYS = frozenset(int(d) for d in Weekday)


def field_name(name: str) -> str:
    return _CAMEL.get(name, name)


def clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validates the given fields (reporting every error at once) and maps them onto columns."""
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
        text = v.text(
            value or "",
            field=field,
            max_length=max_length,
            invalid=E.INVALID,
            required=name == "title",
            multiline=multiline,
        )
        if name == "title" and len(text) < 3:
            raise DomainError(E.INVALID, _("At least 3 characters."), field)
        return {name: text}
    if name == "location":
        return location(value)
    if name == "photos":
        return {name: _photos(value or [])}
    if name == "weight_kg":
        return {"weight_g": _weight_g(value)}
    if name == "quantity":
        return {name: _int(value, field, 1, MAX_QUANTITY)}
    if name in {"min_minutes", "max_minutes"}:
        return {name: None if value is None else _int(value, field, 1, MAX_MINUTES)}
    if name in {"notice_minutes", "cancel_notice_minutes"}:
        return {name: _int(value, field, 0, MAX_MINUTES)}
    if name in {"price_credits", "deposit_credits"}:
        return {name: _int(value, field, 0, MAX_CREDITS)}
    if name == "opening_hours":
        return {name: opening_hours(value or [])}
    if name == "required_checks":
        return {name: _checks(value or [])}
    if name == "kind":
        return {name: AssetKind(value)}
    if name == "condition":
        return {name: None if value is None else Condition(value)}
    if name == "audience":
        return {name: Audience(value)}
    return {name: value}


def _int(value: Any, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError(E.INVALID, _("Give a whole number."), field)
    return v.int_range(value, field=field, low=low, high=high, invalid=E.INVALID)


def location(value: tuple[float, float] | None, field: str = "location") -> dict[str, Any]:
    """The exact point and its public H3 cells (as opportunities: 8, 6 and 4)."""
    if value is None:
        return {"lat": None, "lng": None, "cell8": None, "cell6": None, "cell4": None}
    lat, lng = value
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(
            E.INVALID, _("Latitude must be within ±90 and longitude within ±180."), field
        )
    cell8 = h3.latlng_to_cell(lat, lng, 8)
    return {
        "lat": lat,
        "lng": lng,
        "cell8": cell8,
        "cell6": h3.cell_to_parent(cell8, 6),
        "cell4": h3.cell_to_parent(cell8, 4),
    }


def _photos(urls: Sequence[str]) -> list[str]:
    if len(urls) > MAX_PHOTOS:
        raise DomainError(
            E.INVALID, _("At most {MAX_PHOTOS} photos.", MAX_PHOTOS=MAX_PHOTOS), "photos"
        )
    cleaned = []
    for n, url in enumerate(urls, start=1):
        url = url.strip()
        parts = urlsplit(url)
        if len(url) > 500 or parts.scheme != "https" or not parts.hostname:
            raise DomainError(
                E.INVALID, _("Photo {n}: an https URL of at most 500 characters.", n=n), "photos"
            )
        if parts.username or parts.password or any(c.isspace() for c in url):
            raise DomainError(E.INVALID, _("Photo {n}: not a plain https URL.", n=n), "photos")
        cleaned.append(url)
    return list(dict.fromkeys(cleaned))


def _weight_g(value: float | None) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= MAX_WEIGHT_KG:
        raise DomainError(
            E.INVALID,
            _("Between 0 and {MAX_WEIGHT_KG:g} kg.", MAX_WEIGHT_KG=MAX_WEIGHT_KG),
            "weightKg",
        )
    return round(value * 1000)


def _checks(value: Sequence[str]) -> list[str]:
    known = {c.value for c in CheckKind}
    unknown = [c for c in value if c not in known]
    if unknown:
        raise DomainError(
            E.INVALID, _("Unknown checks: {names}.", names=", ".join(unknown)), "requiredChecks"
        )
    return sorted(set(value))


def _minutes(clock: str) -> int:
    return 24 * 60 if clock == "24:00" else int(clock[:2]) * 60 + int(clock[3:])


def opening_hours(windows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Weekly windows in the hub's time zone, sorted, with overlapping or touching windows of a
    day merged (a booking must fit inside one window). `to` may be "24:00" (midnight)."""
    field = "openingHours"
    if len(windows) > MAX_WINDOWS:
        raise DomainError(
            E.INVALID, _("At most {MAX_WINDOWS} windows.", MAX_WINDOWS=MAX_WINDOWS), field
        )
    spans: list[tuple[int, int, int]] = []
    for n, window in enumerate(windows, start=1):
        weekday, start, end = window.get("weekday"), window.get("from"), window.get("to")
        if not isinstance(weekday, int) or isinstance(weekday, bool) or weekday not in _WEEKDAYS:
            raise DomainError(E.INVALID, _("Window {n}: not a weekday (1-7).", n=n), field)
        if not isinstance(start, str) or not _CLOCK.match(start):
            raise DomainError(E.INVALID, _("Window {n}: opens at HH:MM (24-hour).", n=n), field)
        if not isinstance(end, str) or not (_CLOCK.match(end) or end == "24:00"):
            raise DomainError(E.INVALID, _("Window {n}: closes at HH:MM or 24:00.", n=n), field)
        if _minutes(end) <= _minutes(start):
            raise DomainError(E.INVALID, _("Window {n}: it must close after it opens.", n=n), field)
        spans.append((weekday, _minutes(start), _minutes(end)))
    merged: list[list[int]] = []
    for weekday, start, end in sorted(spans):
        last = merged[-1] if merged else None
        if last is not None and last[0] == weekday and start <= last[2]:
            last[2] = max(last[2], end)
        else:
            merged.append([weekday, start, end])
    return [{"weekday": d, "from": _clock(s), "to": _clock(e)} for d, s, e in merged]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def check_consistency(row: Mapping[str, Any], *, publishing: bool) -> None:
    """Rules across fields, on the would-be state of the asset."""
    bag = ErrorBag()
    kind = row.get("kind")
    if kind == AssetKind.GIVEAWAY and row.get("price_credits"):
        bag.add(E.INVALID, _("A giveaway is free."), "priceCredits")
    if kind != AssetKind.LOAN and row.get("deposit_credits"):
        bag.add(E.INVALID, _("Only loans take a deposit."), "depositCredits")
    if kind != AssetKind.GIVEAWAY and row.get("quantity", 1) != 1:
        bag.add(E.INVALID, _("Only giveaways come in several units."), "quantity")
    low, high = row.get("min_minutes"), row.get("max_minutes")
    if low is not None and high is not None and low > high:
        bag.add(E.INVALID, _("Must not be more than the longest."), "minMinutes")
    checked = row.get("audience") == Audience.CHECKED_MEMBERS
    if checked and not row.get("required_checks"):
        bag.add(E.INVALID, _("Name the checks members must hold."), "requiredChecks")
    if not checked and row.get("required_checks"):
        bag.add(E.INVALID, _("Checks apply to the CHECKED_MEMBERS audience."), "audience")
    if publishing and row.get("lat") is None:
        bag.add(E.INVALID, _("Give a location before listing."), "location")
    bag.raise_if_any()
