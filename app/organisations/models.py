"""Organisations (charities, groups, schools, businesses, council services) and their people."""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class OrganisationKind(StrEnum):
    CHARITY = "charity"
    VOLUNTARY_GROUP = "voluntary_group"
    SCHOOL = "school"
    BUSINESS = "business"
    COUNCIL_SERVICE = "council_service"
    COMMUNITY_GROUP = "community_group"


class OrganisationRole(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"


class Organisation(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name="organisations", on_delete=fields.RESTRICT
    )
    hub_id: int
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=120)
    kind = fields.CharEnumField(OrganisationKind, max_length=24)
    description = fields.TextField(default="")
    website = fields.CharField(max_length=300, default="")
    contact_email = fields.CharField(max_length=254, default="")
    # Published: everyone sees the contact email (open data feeds too); else signed-in members.
    contact_email_public = fields.BooleanField(default=False)
    area = fields.CharField(max_length=120, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "organisation"
        constraints = (
            UniqueConstraint(fields=("hub_id", "slug"), name="organisation_hub_slug_uniq"),
        )
        # Listings are ordered by name then id, optionally filtered by kind.
        indexes = (("hub_id", "name", "id"), ("hub_id", "kind", "name"))


class OrganisationMember(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="memberships", on_delete=fields.CASCADE
    )
    organisation_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="org_memberships", on_delete=fields.CASCADE
    )
    member_id: int
    role = fields.CharEnumField(OrganisationRole, max_length=16)

    class Meta:
        table = "organisation_member"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "organisation_id", "member_id"), name="organisation_member_uniq"
            ),
        )
        indexes = (("hub_id", "member_id"),)
