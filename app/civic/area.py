"""Where civic reports may be: the hub's area, and places in and out of it.

The area is the hub's wards (base cells, app/citydata/wards.py) when it has uploaded any, else
the circle of its civic settings; a hub with neither accepts no place yet (NO_AREA).
"""

import math

import h3

from app.citydata.metrics import BASE_RESOLUTION
from app.citydata.models import CityWard
from app.civic.errors import CivicErrorCode as E
from app.civic.models import CivicSettings
from app.errors import DomainError
from app.i18n import _

EARTH_KM = 6371.0088
PUBLIC_RESOLUTION = 9  # a report's public place: its ~0.1 km² cell's centre


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


def point(lat: object, lng: object, *, field: str = "location") -> tuple[float, float]:
    """A valid WGS84 point (INVALID otherwise)."""
    ok = all(
        isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
        for x in (lat, lng)
    )
    if not ok or not (-90 <= lat <= 90 and -180 <= lng <= 180):  # type: ignore[operator]
        raise DomainError(
            E.INVALID, _("Latitude must be within ±90 and longitude within ±180."), field
        )
    return float(lat), float(lng)  # type: ignore[arg-type]


async def settings_of(hub_id: int) -> CivicSettings:
    found = await CivicSettings.get_or_none(hub_id=hub_id)
    return found if found is not None else CivicSettings(hub_id=hub_id)


class HubArea:
    """The hub's area, read once: its wards' cells, or else the circle its admins set."""

    def __init__(self, wards: list[set[str]], settings: CivicSettings) -> None:
        self.wards, self.settings = wards, settings

    @classmethod
    async def of(cls, hub_id: int) -> "HubArea":
        wards = await CityWard.filter(hub_id=hub_id).values_list("cells", flat=True)
        return cls([set(c) for c in wards], await settings_of(hub_id))  # type: ignore[arg-type]

    def require_inside(self, lat: float, lng: float, *, field: str = "location") -> str:
        """The place's base cell, if it lies in the area; OUTSIDE_AREA or NO_AREA if not."""
        cell = h3.latlng_to_cell(lat, lng, BASE_RESOLUTION)
        if self.wards:
            if not any(cell in cells for cells in self.wards):
                raise DomainError(E.OUTSIDE_AREA, _("This place is outside the hub's area."), field)
            return cell
        s = self.settings
        if s.centre_lat is None or s.centre_lng is None or not s.radius_km:
            raise DomainError(E.NO_AREA, _("The hub has not set its area yet."), field)
        if km_between((s.centre_lat, s.centre_lng), (lat, lng)) > s.radius_km:
            raise DomainError(E.OUTSIDE_AREA, _("This place is outside the hub's area."), field)
        return cell


async def require_inside(hub_id: int, lat: float, lng: float, *, field: str = "location") -> str:
    """The place's base cell, if it lies in the hub's area; OUTSIDE_AREA or NO_AREA if not."""
    return (await HubArea.of(hub_id)).require_inside(lat, lng, field=field)


def public_place(lat: float, lng: float, exact: bool) -> tuple[float, float]:
    if exact:
        return lat, lng
    centre = h3.cell_to_latlng(h3.latlng_to_cell(lat, lng, PUBLIC_RESOLUTION))
    return round(centre[0], 6), round(centre[1], 6)
