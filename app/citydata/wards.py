"""Wards: named areas a hub admin uploads as a GeoJSON FeatureCollection (RFC 7946) of
Polygon or MultiPolygon features, each with a `name` (and optionally a `code`, e.g. the ward's
GSS code) in its properties.

A ward is the set of base cells (H3, resolution 7) whose centres lie inside its polygons, so
answers by ward are sums of base cells like every other answer (app/citydata/grid.py). An
upload replaces all the hub's wards at once, or changes nothing: every problem is reported,
as typed errors naming the feature (`features[3].geometry`).
"""

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import h3
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.citydata.errors import WardsErrorCode as E
from app.citydata.metrics import BASE_RESOLUTION
from app.citydata.models import CityWard
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.people.models import Role

MAX_BYTES = 5_000_000
MAX_WARDS = 500
MAX_POSITIONS = 200_000  # over all rings of all wards
MAX_CELLS = 20_000  # per ward: ~100,000 km² of base cells


@dataclass(frozen=True)
class WardShape:
    name: str
    code: str
    geometry: dict[str, Any]
    cells: list[str]


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _ring(ring: Any, where: str, bag: ErrorBag) -> int:
    """Checks one linear ring; returns its number of positions."""
    if not isinstance(ring, list) or len(ring) < 4:
        bag.add(E.BAD_GEOMETRY, _("A ring needs at least four positions."), where)
        return 0
    for position in ring:
        if not (isinstance(position, list) and len(position) in (2, 3)):
            bag.add(E.BAD_COORDINATES, _("A position is [longitude, latitude]."), where)
            return len(ring)
        if not all(_number(x) for x in position):
            bag.add(E.BAD_COORDINATES, _("Coordinates are numbers."), where)
            return len(ring)
        lng, lat = position[0], position[1]
        if not (-180 <= lng <= 180 and -90 <= lat <= 90):
            bag.add(
                E.BAD_COORDINATES,
                _("Coordinates are [longitude, latitude] in WGS 84 degrees (RFC 7946)."),
                where,
            )
            return len(ring)
    if ring[0][:2] != ring[-1][:2]:
        bag.add(E.BAD_GEOMETRY, _("A ring must end where it starts (closed)."), where)
    return len(ring)


def _polygons(geometry: Any, where: str, bag: ErrorBag) -> int:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        bag.add(E.BAD_GEOMETRY, _("A ward's geometry is a Polygon or a MultiPolygon."), where)
        return 0
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        bag.add(E.BAD_GEOMETRY, _("The geometry has no coordinates."), where)
        return 0
    positions = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            bag.add(E.BAD_GEOMETRY, _("A polygon is a list of rings, outer ring first."), where)
            continue
        for ring in polygon:
            positions += _ring(ring, where, bag)
    return positions


def _code(name: str, given: Any) -> str:
    if isinstance(given, str) and given.strip():
        return given.strip()[:40]
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "ward"


def parse(text: str) -> list[WardShape]:
    """The wards of a GeoJSON FeatureCollection; DomainErrors listing every problem."""
    if len(text.encode()) > MAX_BYTES:
        raise DomainError(
            E.INVALID,
            _("At most {MAX_BYTES} MB of GeoJSON.", MAX_BYTES=MAX_BYTES // 1000000),
            "geojson",
        )
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise DomainError(E.INVALID, _("Not JSON: {exc}.", exc=exc), "geojson") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise DomainError(
            E.NOT_A_FEATURE_COLLECTION, _("Upload a GeoJSON FeatureCollection."), "geojson"
        )
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise DomainError(
            E.NOT_A_FEATURE_COLLECTION, _("The collection has no features."), "geojson"
        )
    if len(features) > MAX_WARDS:
        raise DomainError(
            E.TOO_MANY, _("At most {MAX_WARDS} wards.", MAX_WARDS=MAX_WARDS), "geojson"
        )
    bag = ErrorBag()
    wards: list[WardShape] = []
    codes: set[str] = set()
    positions = 0
    for i, feature in enumerate(features):
        where = f"features[{i}]"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            bag.add(E.NOT_A_FEATURE_COLLECTION, _("Each feature is a GeoJSON Feature."), where)
            continue
        properties = feature.get("properties") or {}
        name = properties.get("name") if isinstance(properties, dict) else None
        if not isinstance(name, str) or not name.strip() or len(name) > 120:
            bag.add(E.MISSING_NAME, _("Each ward needs a name (at most 120 characters)."), where)
            continue
        name = name.strip()
        code = _code(name, properties.get("code"))
        if code in codes:
            bag.add(E.DUPLICATE_WARD, _("Two wards have the code {code!r}.", code=code), where)
            continue
        codes.add(code)
        before = len(bag.errors)
        positions += _polygons(feature.get("geometry"), f"{where}.geometry", bag)
        if len(bag.errors) > before:
            continue
        if positions > MAX_POSITIONS:
            raise DomainError(
                E.TOO_MANY,
                _("At most {MAX_POSITIONS} positions in all.", MAX_POSITIONS=MAX_POSITIONS),
                "geojson",
            )
        geometry = feature["geometry"]
        try:
            cells = sorted(h3.geo_to_cells(geometry, BASE_RESOLUTION))
        except (ValueError, TypeError, h3.H3BaseException) as exc:
            bag.add(
                E.BAD_GEOMETRY,
                _("The polygon cannot be read: {exc}.", exc=exc),
                f"{where}.geometry",
            )
            continue
        if not cells:
            bag.add(
                E.EMPTY_WARD,
                _(
                    "The ward holds no base cell's centre (H3 resolution 7, ~5 km²): too "
                    "small to report on without singling people out."
                ),
                f"{where}.geometry",
            )
            continue
        if len(cells) > MAX_CELLS:
            bag.add(E.TOO_MANY, _("The ward is larger than a city's."), f"{where}.geometry")
            continue
        wards.append(WardShape(name=name, code=code, geometry=geometry, cells=cells))
    bag.raise_if_any()
    return wards


async def upload(*, actor: Actor, geojson: str) -> list[CityWard]:
    """Replaces the hub's wards with those of `geojson` (hub admins)."""
    actor.require_role(Role.HUB_ADMIN)
    shapes = parse(geojson)
    async with in_transaction():
        await CityWard.filter(hub_id=actor.hub_id).delete()
        await CityWard.bulk_create(
            [
                CityWard(
                    hub_id=actor.hub_id,
                    name=s.name,
                    code=s.code,
                    geometry=s.geometry,
                    cells=s.cells,
                )
                for s in shapes
            ]
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="citydata.wards",
            data={"wards": len(shapes)},
        )
    return await wards(hub_id=actor.hub_id)


async def wards(*, hub_id: int) -> list[CityWard]:
    return await CityWard.filter(hub_id=hub_id).order_by("name", "code")
