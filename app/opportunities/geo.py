"""Distance search on H3 cells: a k-ring of cells narrows by index, the exact distance decides."""

import math
from dataclasses import dataclass

import h3

EARTH_KM = 6371.0088
# (resolution, column): the finest whose k-ring stays small enough for the radius.
_LEVELS = ((8, "cell8"), (6, "cell6"), (4, "cell4"))
MAX_RING = 12  # 469 cells
MAX_KM = 200.0
# Cells near the origin may be this much smaller than the origin's own (H3 distortion).
_SAFETY = 0.85
# The coarse cell everyone may see of an exact place (resolution 7, ~5 km²).
PUBLIC_RESOLUTION = 7


@dataclass(frozen=True)
class Ring:
    column: str
    cells: list[str]


def _disk_radius(lat: float, lng: float, km: float, resolution: int) -> tuple[str, int]:
    """The origin cell and the k whose k-ring covers every point within `km` of the origin.

    With edge e, neighbouring centres are √3·e apart, so a cell k+1 steps away has its centre
    at least 1.5·(k+1)·e from the origin cell's centre; a point lies within e of its cell's
    centre, the origin within e of its own. So the k-ring covers (1.5·k - 0.5)·e km.
    """
    origin = h3.latlng_to_cell(lat, lng, resolution)
    hexagon_km2 = h3.cell_area(origin, unit="km^2")
    edge = math.sqrt(2 * hexagon_km2 / (3 * math.sqrt(3))) * _SAFETY
    return origin, max(1, math.ceil((km + 0.5 * edge) / (1.5 * edge)))


def ring(lat: float, lng: float, km: float) -> Ring:
    """Cells (and the column holding them) that cover every point within `km` of the origin."""
    for resolution, column in _LEVELS:
        origin, k = _disk_radius(lat, lng, km, resolution)
        if k <= MAX_RING or resolution == _LEVELS[-1][0]:
            return Ring(column, list(h3.grid_disk(origin, k)))
    raise AssertionError("unreachable")


def cells_within(lat: float, lng: float, km: float, resolution: int) -> list[str]:
    """Every cell of `resolution` that may hold a point within `km` of the origin."""
    origin, k = _disk_radius(lat, lng, km, resolution)
    return list(h3.grid_disk(origin, k))


def cells_between(
    lat: float, lng: float, inner_km: float, outer_km: float, resolution: int
) -> list[str]:
    """The cells of `cells_within(outer_km)` that may hold a point farther than `inner_km` and
    within `outer_km` of the origin: a cell is convex (geodesic edges), so each of its points
    lies within its farthest vertex's distance r of its centre, and a cell whose centre is
    d away holds only points between d - r and d + r (1 m of margin for rounding)."""
    found = []
    for cell in cells_within(lat, lng, outer_km, resolution):
        centre = h3.cell_to_latlng(cell)
        d = distance_km(lat, lng, *centre)
        r = max(distance_km(*centre, *vertex) for vertex in h3.cell_to_boundary(cell)) + 0.001
        if d - r <= outer_km and d + r > inner_km:
            found.append(cell)
    return found


def public_cell(cell8: str | None) -> str | None:
    """The coarse cell (resolution 7) around a place's resolution-8 cell: what anyone sees."""
    return str(h3.cell_to_parent(cell8, PUBLIC_RESOLUTION)) if cell8 else None


def haversine_sql(
    lat_param: str, lng_param: str, alias: str = "o", columns: tuple[str, str] = ("lat", "lng")
) -> str:
    """SQL for the great-circle distance in km from a parameter point to the row's point
    (`alias`.`columns`, e.g. ("home_lat", "home_lng") for a member's home)."""
    lat, lng = (f"{alias}.{column}" for column in columns)
    return (
        f"({EARTH_KM * 2} * asin(sqrt(power(sin(radians({lat} - {lat_param}) / 2), 2)"
        f" + cos(radians({lat_param})) * cos(radians({lat}))"
        f" * power(sin(radians({lng} - {lng_param}) / 2), 2))))"
    )


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    return float(h3.great_circle_distance((lat1, lng1), (lat2, lng2), unit="km"))
