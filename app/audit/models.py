"""The audit log: who did what, and on whose behalf."""

from tortoise import fields

from app.models_base import Base


class AuditEvent(Base):
    hub = fields.ForeignKeyField("models.Hub", related_name=False, on_delete=fields.RESTRICT)
    actor = fields.ForeignKeyField("models.Member", related_name=False, null=True, on_delete=fields.SET_NULL)
    # Set when a coordinator acted for the member in `actor`.
    acted_by = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=60)
    object_type = fields.CharField(max_length=40, default="")
    object_id = fields.BigIntField(null=True)
    data = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
        indexes = (("hub_id", "created_at"),)
