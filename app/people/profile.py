"""A member's own profile: words, home, reach, availability, notification choices, birth date."""

import re
from datetime import date
from typing import Any

import h3
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError, ErrorBag
from app.people.errors import PeopleErrorCode as E
from app.people.models import Member

HOME_RESOLUTION = 8
MIN_AGE = 13
MAX_SLOTS = 50
DIGESTS = ("none", "daily", "weekly")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_CAMEL = {
    "display_name": "displayName",
    "travel_km": "travelKm",
    "home": "homeLocation",
    "date_of_birth": "dateOfBirth",
    "notification_prefs": "notificationPreferences",
}


def _clock(value: str, field: str) -> str:
    if not _TIME.match(value):
        raise DomainError(E.INVALID, "Use 24-hour HH:MM.", field)
    return value


def availability(slots: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Weekly slots: weekday 1-7 (ISO), from < to, HH:MM in the hub's time zone."""
    if len(slots) > MAX_SLOTS:
        raise DomainError(E.INVALID, f"At most {MAX_SLOTS} slots.", "availability")
    cleaned = []
    for slot in slots:
        weekday = v.int_range(
            slot["weekday"], field="availability", low=1, high=7, invalid=E.INVALID
        )
        start = _clock(slot["from"], "availability")
        end = _clock(slot["to"], "availability")
        if end <= start:
            raise DomainError(E.INVALID, "Each slot must end after it starts.", "availability")
        cleaned.append({"weekday": weekday, "from": start, "to": end})
    return sorted(cleaned, key=lambda s: (s["weekday"], s["from"]))


def notification_prefs(prefs: dict[str, Any]) -> dict[str, Any]:
    digest = prefs.get("digest", "none")
    if digest not in DIGESTS:
        raise DomainError(E.INVALID, "Digest is none, daily or weekly.", "notificationPreferences")
    quiet = [prefs.get("quiet_from"), prefs.get("quiet_to")]
    if (quiet[0] is None) != (quiet[1] is None):
        raise DomainError(
            E.INVALID, "Give both ends of the quiet hours, or neither.", "notificationPreferences"
        )
    for value in quiet:
        if value is not None:
            _clock(value, "notificationPreferences")
    return {
        "email": bool(prefs.get("email", True)),
        "in_app": bool(prefs.get("in_app", True)),
        "digest": digest,
        "quiet_from": quiet[0],
        "quiet_to": quiet[1],
    }


def _home(value: tuple[float, float] | None) -> dict[str, Any]:
    if value is None:
        return {"home_lat": None, "home_lng": None, "home_cell": None}
    lat, lng = value
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(E.INVALID, "Latitude within ±90, longitude within ±180.", "homeLocation")
    return {
        "home_lat": lat,
        "home_lng": lng,
        "home_cell": h3.latlng_to_cell(lat, lng, HOME_RESOLUTION),
    }


def _birth(value: date | None) -> date | None:
    if value is None:
        return None
    today = date.today()
    if value > today or value.year < 1900:
        raise DomainError(E.INVALID, "Not a possible date of birth.", "dateOfBirth")
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age < MIN_AGE:
        raise DomainError(E.INVALID, f"Members must be at least {MIN_AGE}.", "dateOfBirth")
    return value


def _interests(values: list[str]) -> list[str]:
    if len(values) > 20:
        raise DomainError(E.INVALID, "At most 20 interests.", "interests")
    return list(
        dict.fromkeys(
            v.text(i, field="interests", max_length=40, invalid=E.INVALID).lower() for i in values
        )
    )


def _clean(name: str, value: Any) -> dict[str, Any]:
    field = _CAMEL.get(name, name)
    if name == "display_name":
        return {name: v.text(value, field=field, max_length=80, invalid=E.INVALID)}
    if name == "bio":
        return {
            name: v.text(
                value or "",
                field=field,
                max_length=2000,
                invalid=E.INVALID,
                required=False,
                multiline=True,
            )
        }
    if name == "interests":
        return {name: _interests(value or [])}
    if name == "travel_km":
        return {name: v.int_range(value, field=field, low=0, high=200, invalid=E.INVALID)}
    if name == "home":
        return _home(value)
    if name == "availability":
        return {name: availability(value or [])}
    if name == "notification_prefs":
        return {name: notification_prefs(value or {})}
    if name == "date_of_birth":
        return {name: _birth(value)}
    raise DomainError(E.INVALID, "Unknown field.", field)


async def update_profile(*, actor: Actor, changes: dict[str, Any]) -> Member:
    """Changes the given profile fields of the acting member (all errors reported at once)."""
    bag = ErrorBag()
    columns: dict[str, Any] = {}
    for name, value in changes.items():
        with bag.catch():
            columns |= _clean(name, value)
    bag.raise_if_any()
    async with in_transaction():
        if columns:
            await Member.filter(id=actor.member_id, hub_id=actor.hub_id).update(**columns)
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="member.update_profile",
            object_type="Member",
            object_id=actor.member_id,
            data={"fields": sorted(changes)},
        )
    return await Member.get(id=actor.member_id)
