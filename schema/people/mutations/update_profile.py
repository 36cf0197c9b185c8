"""updateProfile: change your own profile (only the fields given)."""

from datetime import date
from typing import Any

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import DigestFrequency, Member, PeopleError, Weekday


@strawberry.input(description="A point (WGS84). Only you see it; others see a coarse cell.")
class HomeLocationInput:
    lat: float = strawberry.field(description="-90 to 90.")
    lng: float = strawberry.field(description="-180 to 180.")


@strawberry.input(description="A weekly slot in the hub's time zone.")
class AvailabilitySlotInput:
    weekday: Weekday  # type: ignore[valid-type]
    start: str = strawberry.field(description="HH:MM, 24-hour.")
    end: str = strawberry.field(description="HH:MM, 24-hour; after `start`.")


@strawberry.input(description="Choices left out stay as they are; null clears the quiet hours.")
class NotificationPreferencesInput:
    email: bool | None = strawberry.UNSET
    in_app: bool | None = strawberry.UNSET
    digest: DigestFrequency | None = strawberry.UNSET  # type: ignore[valid-type]
    quiet_hours_start: str | None = strawberry.field(
        default=strawberry.UNSET, description="HH:MM; give both ends, or neither."
    )
    quiet_hours_end: str | None = strawberry.field(
        default=strawberry.UNSET, description="HH:MM; may be earlier than the start (overnight)."
    )


@strawberry.input(
    description="Fields left out stay as they are; null clears the ones that can be empty "
    "(bio, interests, home, availability, date of birth; notification choices reset)."
)
class UpdateProfileInput:
    display_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 80 characters."
    )
    bio: str | None = strawberry.field(
        default=strawberry.UNSET, description="At most 2000 characters."
    )
    interests: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="At most 20 tags of 40 characters."
    )
    home_location: HomeLocationInput | None = strawberry.UNSET
    travel_km: int | None = strawberry.field(default=strawberry.UNSET, description="0 to 200.")
    availability: list[AvailabilitySlotInput] | None = strawberry.field(
        default=strawberry.UNSET, description="At most 50 slots; replaces them all."
    )
    notification_preferences: NotificationPreferencesInput | None = strawberry.UNSET
    date_of_birth: date | None = strawberry.field(
        default=strawberry.UNSET, description=f"Members are at least {service.MIN_AGE}."
    )
    locale: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The language you read Community Hub in: en-GB, it or es (it-IT works); null:"
        " the hub's. Anything else is UNSUPPORTED_LOCALE.",
    )


@strawberry.type
class UpdateProfilePayload:
    member: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


def _given(data: object) -> dict[str, Any]:
    return {k: v for k, v in vars(data).items() if v is not strawberry.UNSET}


def _changes(data: UpdateProfileInput) -> dict[str, Any]:
    """The input in the service's terms (see app.people.service.update_profile)."""
    changes: dict[str, Any] = {}
    for name, value in _given(data).items():
        if name == "home_location":
            changes["home"] = (value.lat, value.lng) if value is not None else None
        elif name == "availability":
            changes[name] = None if value is None else [_slot(s) for s in value]
        elif name == "notification_preferences":
            changes["notification_prefs"] = None if value is None else _prefs(value)
        else:
            changes[name] = value
    return changes


def _slot(slot: AvailabilitySlotInput) -> dict[str, Any]:
    return {"weekday": int(slot.weekday), "from": slot.start, "to": slot.end}


_PREFS = {"quiet_hours_start": "quiet_from", "quiet_hours_end": "quiet_to"}


def _prefs(prefs: NotificationPreferencesInput) -> dict[str, Any]:
    return {_PREFS.get(name, name): value for name, value in _given(prefs).items()}


@errors_as_data(PeopleError, PeopleErrorCode, UpdateProfilePayload)
async def update_profile(input: UpdateProfileInput, info: Info) -> UpdateProfilePayload:
    """Changes your profile (or, for a coordinator with the CH-Act-For header, the member's)."""
    member = await service.update_profile(
        actor=info.context.require_actor(), changes=_changes(input)
    )
    return UpdateProfilePayload(member=member)  # type: ignore[arg-type]
