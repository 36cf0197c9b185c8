"""Opportunities (offers and requests of help) and applications to them."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member, Skill


class OpportunityKind(StrEnum):
    OFFER = "offer"  # the poster offers help
    REQUEST = "request"  # the poster needs help


class OpportunityStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FILLED = "filled"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Category(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=80)
    # {"it": "...", "es": "..."}: the name in other languages, entered by hub admins
    # (app/hubs/translations.py); the API falls back to `name`.
    name_translations: dict[str, str] | None = fields.JSONField(null=True)

    class Meta:
        table = "category"
        constraints = (UniqueConstraint(fields=("hub_id", "slug"), name="category_hub_slug_uniq"),)


class Opportunity(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    kind = fields.CharEnumField(OpportunityKind, max_length=10)
    status = fields.CharEnumField(OpportunityStatus, max_length=12, default=OpportunityStatus.DRAFT)
    title = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name=False, on_delete=fields.RESTRICT
    )
    category_id: int
    poster: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    poster_id: int
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    remote = fields.BooleanField(default=False)
    # Exact place and contact: only for the poster's side and accepted participants.
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    address = fields.CharField(max_length=200, default="")
    contact_details = fields.CharField(max_length=500, default="")
    # Public area and H3 cells at three resolutions (0.5, 3 and 23 km edges) for distance search.
    area_name = fields.CharField(max_length=120, default="")
    cell8 = fields.CharField(max_length=16, null=True)
    cell6 = fields.CharField(max_length=16, null=True)
    cell4 = fields.CharField(max_length=16, null=True)
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    recurrence = fields.CharField(max_length=200, default="")  # iCalendar RRULE for shifts
    places = fields.IntField(default=1)
    accepted_count = fields.IntField(default=0)
    required_checks: list[str] = fields.JSONField(default=list)
    min_age = fields.IntField(null=True)
    urgency = fields.CharEnumField(Urgency, max_length=8, default=Urgency.NORMAL)
    auto_accept = fields.BooleanField(default=False)
    published_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    expiry_reminder_sent_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "opportunity"
        constraints = (
            CheckConstraint(
                check="places >= 1 AND places <= 10000", name="opportunity_places_range"
            ),
            CheckConstraint(
                check="accepted_count >= 0 AND accepted_count <= places",
                name="opportunity_never_overfilled",
            ),
        )
        indexes = (("hub_id", "poster_id"), ("hub_id", "organisation_id"))


class OpportunitySkill(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "models.Opportunity", related_name="skill_links", on_delete=fields.CASCADE
    )
    opportunity_id: int
    skill: fields.ForeignKeyRelation["Skill"] = fields.ForeignKeyField(
        "models.Skill", related_name=False, on_delete=fields.RESTRICT
    )
    skill_id: int

    class Meta:
        table = "opportunity_skill"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "opportunity_id", "skill_id"), name="opportunity_skill_uniq"
            ),
        )
        indexes = (("hub_id", "skill_id", "opportunity_id"),)


class Application(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    opportunity: fields.ForeignKeyRelation[Opportunity] = fields.ForeignKeyField(
        "models.Opportunity", related_name="applications", on_delete=fields.RESTRICT
    )
    opportunity_id: int
    applicant: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    applicant_id: int
    message = fields.TextField(default="")
    status = fields.CharEnumField(
        ApplicationStatus, max_length=12, default=ApplicationStatus.PENDING
    )
    decided_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "application"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "opportunity_id", "applicant_id"), name="application_once_uniq"
            ),
        )
        indexes = (("hub_id", "applicant_id"), ("hub_id", "opportunity_id", "status"))
