"""setCivicSettings: a hub admin sets the civic area (without wards) and ideas' rules."""

import strawberry

from app.civic import settings
from app.civic.errors import CivicErrorCode as E
from schema.civic.mutations.payloads import CivicSettingsPayload
from schema.civic.types import CivicError, CivicSettings
from schema.context import Info
from schema.errors import errors_as_data
from schema.opportunities.inputs import LocationInput


@strawberry.input
class SetCivicSettingsInput:
    centre: LocationInput | None = None
    radius_km: float | None = None
    idea_threshold: int | None = None
    idea_window_days: int | None = None
    answer_days: int | None = None


@errors_as_data(CivicError, E, CivicSettingsPayload)
async def set_civic_settings(input: SetCivicSettingsInput, info: Info) -> CivicSettingsPayload:
    """Changes what is given. The circle is the hub's area only while it has no wards."""
    row = await settings.set_civic_settings(
        actor=info.context.require_actor(),
        centre=(input.centre.lat, input.centre.lng) if input.centre else None,
        radius_km=input.radius_km,
        idea_threshold=input.idea_threshold,
        idea_window_days=input.idea_window_days,
        answer_days=input.answer_days,
    )
    return CivicSettingsPayload(settings=CivicSettings.of(row))
