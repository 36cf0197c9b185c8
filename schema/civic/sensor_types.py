"""GraphQL types of citizen sensors: a member's devices and the environmental layer."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import h3
import strawberry
from strawberry import relay

from app.civic.sensors.layer import EnvironmentCell as CellValue
from app.civic.sensors.models import SensorDevice as DeviceModel
from app.organisations.models import Organisation as OrganisationModel
from schema.context import Info
from schema.opportunities.types import GeoPoint
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.organisations.types import Organisation

LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]


@orm_node(DeviceModel)
@strawberry.type(
    name="SensorDevice",
    description="A citizen sensor (Smart Citizen Kit): its owner's and its organisation's only.",
)
class SensorDevice(relay.Node):
    id: relay.NodeID[int]
    name: str
    active: bool
    created_at: datetime

    @strawberry.field(description="Where it stands (private to its owner side).")
    def location(self, root: DeviceModel) -> GeoPoint:
        return GeoPoint(lat=root.lat, lng=root.lng)

    @strawberry.field(description="The centre of the ~5 km² cell its readings are shown in.")
    def area(self, root: DeviceModel) -> GeoPoint:
        lat, lng = h3.cell_to_latlng(root.cell7)
        return GeoPoint(lat=lat, lng=lng)

    @strawberry.field
    async def organisation(self, root: DeviceModel, info: Info) -> LazyOrganisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]


@strawberry.type(
    description="Recent averages of one area cell (H3 resolution 7), from devices of at least"
    " the hub's k distinct owners; null: no such measurement."
)
class EnvironmentCell:
    cell: str
    centre: GeoPoint
    devices: int
    noise_db: float | None
    pm25: float | None = strawberry.field(description="µg/m³")
    pm10: float | None = strawberry.field(description="µg/m³")
    temperature: float | None = strawberry.field(description="°C")
    humidity: float | None = strawberry.field(description="% relative humidity")

    @classmethod
    def of(cls, row: CellValue) -> "EnvironmentCell":
        return cls(
            cell=row.cell, centre=GeoPoint(lat=row.lat, lng=row.lng), devices=row.devices,
            noise_db=row.noise_db, pm25=row.pm25, pm10=row.pm10, temperature=row.temperature,
            humidity=row.humidity,
        )  # fmt: skip
