"""Wards a hub admin uploads (GeoJSON polygons), and when the city data was last refreshed.

The aggregates themselves live in the materialised view `citydata_cell` (migrations/0026,
app/citydata/refresh.py), not in a model: nothing writes them but the refresh.
"""

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub


class CityWard(Base):
    """A named area of the hub: the base cells (H3, resolution 7) whose centres lie inside
    its polygons. Answers by ward are sums over those cells, like every other answer."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    name = fields.CharField(max_length=120)
    code = fields.CharField(max_length=40)  # the ward's code (GSS code, or made from the name)
    geometry: dict[str, Any] = fields.JSONField()  # the GeoJSON Polygon or MultiPolygon
    cells: list[str] = fields.JSONField(default=list)

    class Meta:
        table = "city_ward"
        constraints = (UniqueConstraint(fields=("hub_id", "code"), name="city_ward_hub_code_uniq"),)


class CityDataRefresh(Base):
    """One row per refresh of the aggregates (the newest is what answers report)."""

    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField()
    took_ms = fields.IntField()
    rows = fields.BigIntField()

    class Meta:
        table = "citydata_refresh"
