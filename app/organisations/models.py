"""Organisations (charities, groups, schools, businesses, council services) and their people."""

from enum import StrEnum

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base


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
    hub = fields.ForeignKeyField("models.Hub", related_name="organisations", on_delete=fields.RESTRICT)
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=120)
    kind = fields.CharEnumField(OrganisationKind, max_length=24)
    description = fields.TextField(default="")
    website = fields.CharField(max_length=300, default="")
    contact_email = fields.CharField(max_length=254, default="")
    area = fields.CharField(max_length=120, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "organisation"
        constraints = (UniqueConstraint(fields=("hub_id", "slug"), name="organisation_hub_slug_uniq"),)
        indexes = (("hub_id", "kind"),)


class OrganisationMember(Base):
    hub = fields.ForeignKeyField("models.Hub", related_name=False, on_delete=fields.RESTRICT)
    organisation = fields.ForeignKeyField(
        "models.Organisation", related_name="memberships", on_delete=fields.CASCADE
    )
    member = fields.ForeignKeyField("models.Member", related_name="org_memberships", on_delete=fields.CASCADE)
    role = fields.CharEnumField(OrganisationRole, max_length=16)

    class Meta:
        table = "organisation_member"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "organisation_id", "member_id"), name="organisation_member_uniq"
            ),
        )
        indexes = (("hub_id", "member_id"),)
