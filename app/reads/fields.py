"""How API fields compile to SQL (issue 15): the compile table, keyed by GraphQL type and field.

Each entry says how one field of a type is computed from its row (`{t}` is the row's alias):
a column, an enum column, an expression, the global ID, a related row by foreign key, a list
through a link table, a connection of rows pointing here, or a small value object. Who may see
the row and each sensitive field is *not* here: the compiler takes it from the policy table
(app/policy) and renders it with app/policy/sql.py. A field missing from this table makes its
operation run on the interpreter; so does any type missing from it.

The JSON each entry builds must be the interpreter's answer exactly (the differential test,
tests/compiled/test_differential.py, holds both paths to it): enums by member name, DateTime as
Python's isoformat() in UTC, empty strings as null where the resolver says `or None`.
"""

from dataclasses import dataclass, field
from enum import Enum

from tortoise.models import Model

from app.opportunities.models import (
    Application,
    ApplicationStatus,
    Category,
    Opportunity,
    OpportunityKind,
    OpportunitySkill,
    OpportunityStatus,
    Urgency,
)
from app.opportunities.policy import MANAGES
from app.organisations.models import Organisation, OrganisationKind
from app.people.models import Member, Skill
from app.policy.rules import Rule


@dataclass(frozen=True)
class Expr:
    """A scalar computed from the row: `sql` with `{t}` for the row's alias."""

    sql: str


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class DateTimeColumn:
    """A timestamptz column, as Python's datetime.isoformat() of the UTC value."""

    name: str


@dataclass(frozen=True)
class EnumColumn:
    """A column holding an Enum's values; the API answers the member's name."""

    name: str
    enum: type[Enum]


@dataclass(frozen=True)
class GlobalId:
    """The row's global ID (app/ids.py: base64 of '<type>:<id>')."""


@dataclass(frozen=True)
class ToOne:
    """A related row of `type_name` by the foreign key column `fk` (null when there is none
    or the viewer may not see it)."""

    type_name: str
    fk: str


@dataclass(frozen=True)
class Owned:
    """At most one row of `type_name` whose `fk` is this row and whose `viewer_column` is the
    viewer (the viewer's own application to an opportunity)."""

    type_name: str
    fk: str
    viewer_column: str


@dataclass(frozen=True)
class ListVia:
    """Rows of `type_name` linked through `link` (its `link_fk` is this row, `target_fk` the
    target), ordered by `order` (SQL over the target alias `{t}`)."""

    type_name: str
    link: type[Model]
    link_fk: str
    target_fk: str
    order: str


@dataclass(frozen=True)
class Connection:
    """A connection (offset cursors, schema/relay.Page) of `type_name` rows whose `fk` is this
    row, in `order`; `filters` maps an argument to its column (enum arguments)."""

    type_name: str
    fk: str
    order: str
    filters: dict[str, EnumColumn] = field(default_factory=dict)


@dataclass(frozen=True)
class Holds:
    """Whether a rule of the policy table holds for the viewer and this row (a Boolean)."""

    rule: Rule


@dataclass(frozen=True)
class Value:
    """A value object built from the row, null when `null_when` holds."""

    type_name: str
    fields: dict[str, Expr]
    null_when: str


FieldSQL = (
    (Expr | Column | DateTimeColumn | EnumColumn | GlobalId | ToOne | Owned | ListVia | Connection)
    | Value
    | Holds
)


@dataclass(frozen=True)
class TypeSQL:
    model: type[Model]
    fields: dict[str, FieldSQL]

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)


TYPES: dict[str, TypeSQL] = {
    "Opportunity": TypeSQL(
        Opportunity,
        {
            "id": GlobalId(),
            "kind": EnumColumn("kind", OpportunityKind),
            "status": EnumColumn("status", OpportunityStatus),
            "title": Column("title"),
            "description": Column("description"),
            "remote": Column("remote"),
            "areaName": Column("area_name"),
            "startsAt": DateTimeColumn("starts_at"),
            "endsAt": DateTimeColumn("ends_at"),
            "recurrence": Column("recurrence"),
            "places": Column("places"),
            "acceptedCount": Column("accepted_count"),
            "requiredChecks": Column("required_checks"),
            "minAge": Column("min_age"),
            "urgency": EnumColumn("urgency", Urgency),
            "autoAccept": Column("auto_accept"),
            "publishedAt": DateTimeColumn("published_at"),
            "expiresAt": DateTimeColumn("expires_at"),
            "createdAt": DateTimeColumn("created_at"),
            "placesLeft": Expr("GREATEST(0, {t}.places - {t}.accepted_count)"),
            "address": Column("address"),
            "contactDetails": Column("contact_details"),
            "location": Value(
                "GeoPoint",
                {"lat": Expr("{t}.lat"), "lng": Expr("COALESCE({t}.lng, 0.0::float8)")},
                null_when="{t}.lat IS NULL",
            ),
            "category": ToOne("Category", "category_id"),
            "organisation": ToOne("Organisation", "organisation_id"),
            "poster": ToOne("Member", "poster_id"),
            "skills": ListVia("Skill", OpportunitySkill, "opportunity_id", "skill_id", "name"),
            "viewerCanManage": Holds(MANAGES),
            "viewerApplication": Owned("Application", "opportunity_id", "applicant_id"),
            "applications": Connection(
                "Application",
                "opportunity_id",
                "{t}.created_at, {t}.id",
                filters={"status": EnumColumn("status", ApplicationStatus)},
            ),
        },
    ),
    "Category": TypeSQL(
        Category, {"id": GlobalId(), "slug": Column("slug"), "name": Column("name")}
    ),
    "Skill": TypeSQL(
        Skill,
        {
            "id": GlobalId(),
            "slug": Column("slug"),
            "name": Column("name"),
            "category": Column("category"),
        },
    ),
    "Organisation": TypeSQL(
        Organisation,
        {
            "id": GlobalId(),
            "name": Column("name"),
            "slug": Column("slug"),
            "kind": EnumColumn("kind", OrganisationKind),
            "description": Column("description"),
            "createdAt": DateTimeColumn("created_at"),
            "website": Expr("NULLIF({t}.website, '')"),
            "area": Expr("NULLIF({t}.area, '')"),
            "contactEmail": Expr("NULLIF({t}.contact_email, '')"),
            "contactEmailPublic": Column("contact_email_public"),
        },
    ),
    "Member": TypeSQL(
        Member,
        {
            "id": GlobalId(),
            "displayName": Column("display_name"),
            "bio": Column("bio"),
            "interests": Column("interests"),
            "travelKm": Column("travel_km"),
            "isProxy": Column("is_proxy"),
            "createdAt": DateTimeColumn("created_at"),
            "email": Column("email"),
            "emailVerified": Expr("({t}.email_verified_at IS NOT NULL)"),
        },
    ),
    "Application": TypeSQL(
        Application,
        {
            "id": GlobalId(),
            "status": EnumColumn("status", ApplicationStatus),
            "message": Column("message"),
            "createdAt": DateTimeColumn("created_at"),
            "decidedAt": DateTimeColumn("decided_at"),
            "applicant": ToOne("Member", "applicant_id"),
            "opportunity": ToOne("Opportunity", "opportunity_id"),
        },
    ),
}
