"""updateProfile: change your own profile (only the fields given)."""

from datetime import date
from typing import Any

import strawberry

from app.people import profile
from app.people.errors import PeopleErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import MemberPayload
from schema.people.types import PeopleError


@strawberry.input(description="A point (WGS84). Only you see it; others see a coarse cell.")
class HomeLocationInput:
    lat: float
    lng: float


@strawberry.input
class AvailabilitySlotInput:
    weekday: int = strawberry.field(description="1 = Monday ... 7 = Sunday.")
    start: str = strawberry.field(name="from", description="HH:MM, hub time zone.")
    end: str = strawberry.field(name="to", description="HH:MM, hub time zone.")


@strawberry.input
class NotificationPreferencesInput:
    email: bool = True
    in_app: bool = True
    digest: str = strawberry.field(default="none", description="none, daily or weekly")
    quiet_from: str | None = strawberry.field(default=None, description="HH:MM")
    quiet_to: str | None = strawberry.field(default=None, description="HH:MM")


@strawberry.input(description="Fields left out stay as they are; null clears optional ones.")
class UpdateProfileInput:
    display_name: str | None = strawberry.UNSET
    bio: str | None = strawberry.UNSET
    interests: list[str] | None = strawberry.UNSET
    home_location: HomeLocationInput | None = strawberry.UNSET
    travel_km: int | None = strawberry.UNSET
    availability: list[AvailabilitySlotInput] | None = strawberry.UNSET
    notification_preferences: NotificationPreferencesInput | None = strawberry.UNSET
    date_of_birth: date | None = strawberry.UNSET


def _changes(data: UpdateProfileInput) -> dict[str, Any]:
    given = {k: v for k, v in vars(data).items() if v is not strawberry.UNSET}
    out: dict[str, Any] = {}
    for name, value in given.items():
        if name == "home_location":
            out["home"] = (value.lat, value.lng) if value else None
        elif name == "availability":
            out[name] = [{"weekday": s.weekday, "from": s.start, "to": s.end} for s in value or []]
        elif name == "notification_preferences":
            out["notification_prefs"] = vars(value) if value else {}
        else:
            out[name] = value
    return out


@errors_as_data(PeopleError, PeopleErrorCode, MemberPayload)
async def update_profile(input: UpdateProfileInput, info: Info) -> MemberPayload:
    """Changes your profile (or, for a coordinator with CH-Act-For, the member's)."""
    member = await profile.update_profile(
        actor=info.context.require_actor(), changes=_changes(input)
    )
    return MemberPayload(member=member)  # type: ignore[arg-type]
