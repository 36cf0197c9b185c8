"""Distance search on H3 cells: a k-ring of cells narrows by index, the exact distance decides."""

import math
from dataclasses import dataclass

import h3

EARTH_KM = 6371.0088
# (resolution, column): the finest whose k-ring stays small enough for the radius.
_LEVELS = ((8, "cell8"), (6, "cell6"), (4, "cell4"))
MAX_RING = 12
MAX_KM = 200.0


@dataclass(frozen=True)
class Ring:
    column: str
    cells: list[str]


def ring(lat: float, lng: float, km: float) -> Ring:
    """Cells (and the column holding them) that cover every point within `km` of the origin."""
    for resolution, column in _LEVELS:
        spacing = h3.average_hexagon_edge_length(resolution, unit="km") * math.sqrt(3)
        k = math.ceil(km / spacing) + 1
        if k <= MAX_RING or resolution == _LEVELS[-1][0]:
            origin = h3.latlng_to_cell(lat, lng, resolution)
            return Ring(column, list(h3.grid_disk(origin, k)))
    raise AssertionError("unreachable")


def cells_within(lat: float, lng: float, km: float, resolution: int) -> list[str]:
    """Every cell of `resolution` that may hold a point within `km` of the origin."""
    spacing = h3.average_hexagon_edge_length(resolution, unit="km") * math.sqrt(3)
    origin = h3.latlng_to_cell(lat, lng, resolution)
    return list(h3.grid_disk(origin, math.ceil(km / spacing) + 1))


def haversine_sql(lat_param: str, lng_param: str, alias: str = "o") -> str:
    """SQL for the great-circle distance in km from a parameter point to the row's point."""
    return (
        f"({EARTH_KM * 2} * asin(sqrt(power(sin(radians({alias}.lat - {lat_param}) / 2), 2)"
        f" + cos(radians({lat_param})) * cos(radians({alias}.lat))"
        f" * power(sin(radians({alias}.lng - {lng_param}) / 2), 2))))"
    )


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    return float(h3.great_circle_distance((lat1, lng1), (lat2, lng2), unit="km"))
