"""A member's request for a copy of their data, built by a job and fetched through a link."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class ExportStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"


class DataExport(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    # A coordinator acting for a proxy member (who has no email) gets the link.
    requested_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    status = fields.CharEnumField(ExportStatus, max_length=10, default=ExportStatus.PENDING)
    # The link's token is shown once (in the email); only its SHA-256 is kept.
    token_hash = fields.CharField(max_length=64, null=True, unique=True)
    expires_at = fields.DatetimeField(null=True)
    content: dict[str, Any] | None = fields.JSONField(null=True)
    html = fields.TextField(null=True)
    ready_at = fields.DatetimeField(null=True)

    class Meta:
        table = "data_export"
        indexes = (("hub_id", "member_id"),)
