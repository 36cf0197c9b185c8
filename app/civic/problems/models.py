"""Problem reports (FixMyStreet): per-hub categories, who takes them where, the reports,
their status history and the members who said "me too" or follow them."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class ProblemStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    FIXED = "fixed"
    CLOSED = "closed"  # with a reason (duplicate, not the council's, cannot be fixed...)


class ProblemCategory(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=120)
    # Open311's service code is the slug; its group, if the hub sets one.
    group = fields.CharField(max_length=60, default="")

    class Meta:
        table = "problem_category"
        constraints = (
            UniqueConstraint(fields=("hub_id", "slug"), name="problem_category_hub_slug_uniq"),
        )


class ProblemRoute(Base):
    """An organisation takes a category's reports in an area (H3 cells of resolution 7; none:
    the whole hub). Reports no route takes go to the council (Role.COUNCIL)."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    category: fields.ForeignKeyRelation[ProblemCategory] = fields.ForeignKeyField(
        "models.ProblemCategory", related_name=False, on_delete=fields.CASCADE
    )
    category_id: int
    organisation: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.CASCADE
    )
    organisation_id: int
    cells: list[str] = fields.JSONField(default=list)

    class Meta:
        table = "problem_route"
        indexes = (Index(fields=["hub_id", "category_id"]),)


class ProblemReport(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    category: fields.ForeignKeyRelation[ProblemCategory] = fields.ForeignKeyField(
        "models.ProblemCategory", related_name=False, on_delete=fields.RESTRICT
    )
    category_id: int
    reporter: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    reporter_id: int
    # The responsible body: this organisation, or the council when null.
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    organisation_id: int | None
    description = fields.TextField()
    photo_urls: list[str] = fields.JSONField(default=list)
    lat = fields.FloatField()  # exact: the reporter and the responsible body
    lng = fields.FloatField()
    # The public place: the exact one if the reporter agreed, else the centre of its
    # resolution-9 H3 cell (~0.1 km²).
    public_exact = fields.BooleanField(default=False)
    public_lat = fields.FloatField()
    public_lng = fields.FloatField()
    cell7 = fields.CharField(max_length=16)  # city data's base cell
    address = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(ProblemStatus, max_length=12, default=ProblemStatus.OPEN)
    close_reason = fields.CharField(max_length=300, default="")
    me_too_count = fields.IntField(default=0)
    status_changed_at = fields.DatetimeField(null=True)
    fixed_at = fields.DatetimeField(null=True)
    opportunity: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Opportunity", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    opportunity_id: int | None
    campaign: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Campaign", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    campaign_id: int | None
    # Sent through Open311 by this API client (null: the app).
    api_client_id = fields.BigIntField(null=True)
    created_at: datetime

    class Meta:
        table = "problem_report"
        indexes = (
            Index(fields=["hub_id", "category_id", "created_at"]),
            Index(fields=["hub_id", "status", "id"]),
        )
        constraints = (
            CheckConstraint(check="me_too_count >= 0", name="problem_report_me_too_not_negative"),
        )


class ProblemUpdate(Base):
    """A status change by the responsible body (the history, and what Open311 calls notes)."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    report: fields.ForeignKeyRelation[ProblemReport] = fields.ForeignKeyField(
        "models.ProblemReport", related_name=False, on_delete=fields.CASCADE
    )
    report_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    author_id: int
    status = fields.CharEnumField(ProblemStatus, max_length=12)
    note = fields.CharField(max_length=300, default="")

    class Meta:
        table = "problem_update"
        indexes = (Index(fields=["report_id", "id"]),)


class ProblemFollower(Base):
    """A member told about a report's updates: its reporter, those who said "me too" (`me_too`)
    and those who follow it."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    report: fields.ForeignKeyRelation[ProblemReport] = fields.ForeignKeyField(
        "models.ProblemReport", related_name=False, on_delete=fields.CASCADE
    )
    report_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    me_too = fields.BooleanField(default=False)

    class Meta:
        table = "problem_follower"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "report_id", "member_id"), name="problem_follower_once"
            ),
        )
