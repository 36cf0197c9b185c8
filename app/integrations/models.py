"""Webhook endpoints of third parties, and the log of every delivery to them."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookEndpoint(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    url = fields.CharField(max_length=500)
    description = fields.CharField(max_length=200, default="")
    event_types: list[str] = fields.JSONField(default=list)
    secret = fields.CharField(max_length=100)  # whsec_… (Standard Webhooks)
    previous_secret = fields.CharField(max_length=100, null=True)  # also signs for 24 h
    rotated_at = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True)
    consecutive_failures = fields.IntField(default=0)
    disabled_at = fields.DatetimeField(null=True)
    owner: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None

    class Meta:
        table = "webhook_endpoint"
        indexes = (("hub_id", "active"),)


class WebhookDelivery(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event_type = fields.CharField(max_length=60)
    message_id = fields.CharField(max_length=80)  # webhook-id: the same on every retry
    payload: dict[str, Any] = fields.JSONField(default=dict)
    status = fields.CharEnumField(DeliveryStatus, max_length=10, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_status_code = fields.IntField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "endpoint_id", "message_id"), name="webhook_delivery_once"
            ),
        )
        indexes = (("hub_id", "endpoint_id", "created_at"),)
