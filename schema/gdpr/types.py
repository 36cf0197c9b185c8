"""Members' data rights: the export request and the error type."""

from datetime import datetime

import strawberry
from strawberry import relay

from app.gdpr.errors import DataRightsErrorCode as DataRightsErrorCodeEnum
from app.gdpr.models import DataExport as DataExportModel
from app.gdpr.models import ExportStatus as ExportStatusEnum
from schema.relay import orm_node

DataRightsErrorCode = strawberry.enum(DataRightsErrorCodeEnum, name="DataRightsErrorCode")
DataExportStatus = strawberry.enum(ExportStatusEnum, name="DataExportStatus")


@strawberry.type(description="Why a data export or an erasure did not go through.")
class DataRightsError:
    code: DataRightsErrorCode  # type: ignore[valid-type]
    field: str | None
    message: str


@orm_node(DataExportModel)
@strawberry.type(
    name="DataExport",
    description="A copy of all your data: when ready, a link valid 7 days is emailed to you.",
)
class DataExport(relay.Node):
    id: relay.NodeID[int]
    status: DataExportStatus  # type: ignore[valid-type]
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None = strawberry.field(description="When the emailed link stops.")
