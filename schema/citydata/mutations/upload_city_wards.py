"""uploadCityWards: a hub admin replaces the hub's wards with a GeoJSON FeatureCollection."""

import strawberry

from app.citydata import wards
from app.citydata.errors import WardsErrorCode
from schema.citydata.types import CityWard, CityWardsErrorCode
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class UploadCityWardsInput:
    geojson: str = strawberry.field(
        description="A GeoJSON FeatureCollection (RFC 7946, longitude first) of Polygon or"
        " MultiPolygon features, each with properties.name (and optionally properties.code);"
        " at most 500 wards and 5 MB."
    )


@strawberry.type(description="Why the wards were not uploaded (nothing changed).")
class CityWardsError:
    code: CityWardsErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="e.g. features[3].geometry")
    message: str


@strawberry.type
class UploadCityWardsPayload:
    wards: list[CityWard] | None = None
    errors: list[CityWardsError] = strawberry.field(default_factory=list)


@errors_as_data(CityWardsError, WardsErrorCode, UploadCityWardsPayload)
async def upload_city_wards(input: UploadCityWardsInput, info: Info) -> UploadCityWardsPayload:
    """Replaces the hub's wards (hub admins); every problem of the file is reported at once."""
    found = await wards.upload(actor=info.context.require_actor(), geojson=input.geojson)
    return UploadCityWardsPayload(wards=[CityWard.of(w) for w in found])
