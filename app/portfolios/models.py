"""What was delivered: hours records, reviews, and the settings of a member's volunteer CV."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.opportunities.models import Application, Opportunity
    from app.people.models import Member


class HoursStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    DISPUTED = "disputed"
    REJECTED = "rejected"


class HoursRecord(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    application: fields.ForeignKeyRelation["Application"] = fields.ForeignKeyField(
        "models.Application", related_name="hours", on_delete=fields.RESTRICT
    )
    application_id: int
    opportunity: fields.ForeignKeyRelation["Opportunity"] = fields.ForeignKeyField(
        "models.Opportunity", related_name=False, on_delete=fields.RESTRICT
    )
    opportunity_id: int
    volunteer: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    volunteer_id: int
    worked_on = fields.DateField()
    minutes = fields.IntField()
    note = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(HoursStatus, max_length=10, default=HoursStatus.PENDING)
    reviewed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_by_id: int | None
    reviewed_at = fields.DatetimeField(null=True)
    dispute_reason = fields.CharField(max_length=500, default="")
    resolution_note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "hours_record"
        constraints = (
            CheckConstraint(check="minutes > 0 AND minutes <= 1440", name="hours_minutes_range"),
        )
        indexes = (("hub_id", "volunteer_id", "status"), ("hub_id", "application_id"))


class Review(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    application: fields.ForeignKeyRelation["Application"] = fields.ForeignKeyField(
        "models.Application", related_name="reviews", on_delete=fields.RESTRICT
    )
    application_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    author_id: int
    subject: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    subject_id: int
    rating = fields.SmallIntField()
    comment = fields.TextField(default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "review"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "application_id", "author_id"), name="review_once_uniq"
            ),
            CheckConstraint(check="rating BETWEEN 1 AND 5", name="review_rating_range"),
        )
        indexes = (("hub_id", "subject_id"),)


class PortfolioSettings(Base):
    """Whether a member's volunteer CV is public, and the unguessable token of its URL."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    public = fields.BooleanField(default=False)
    share_token = fields.CharField(max_length=40, unique=True)

    class Meta:
        table = "portfolio_settings"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id"), name="portfolio_member_uniq"),
        )
