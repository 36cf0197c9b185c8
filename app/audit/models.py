"""The audit log: who did what, and on whose behalf."""

from typing import TYPE_CHECKING, Any

from tortoise import fields

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class AuditEvent(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    actor: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    # Set when a coordinator acted for the member in `actor`.
    acted_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    acted_by_id: int | None
    action = fields.CharField(max_length=60)
    object_type = fields.CharField(max_length=40, default="")
    object_id = fields.BigIntField(null=True)
    # The member the action was about (whose role, check, data, account...), for the hub
    # admins' "everything that happened to this member" filter; no foreign key: a plain id.
    subject_id = fields.BigIntField(null=True)
    data: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
        indexes = (("hub_id", "created_at"),)
