"""GraphQL types of organisations: public profiles, and memberships for their own people."""

from collections.abc import AsyncIterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.organisations import service
from app.organisations.errors import OrganisationErrorCode as OrganisationErrorCodeEnum
from app.organisations.models import Organisation as OrganisationModel
from app.organisations.models import OrganisationKind as OrganisationKindEnum
from app.organisations.models import OrganisationMember as OrganisationMemberModel
from app.organisations.models import OrganisationRole as OrganisationRoleEnum
from app.people.models import Member as MemberModel
from schema.assets.impact_types import ProfileImpactType, impact_of
from schema.context import Info
from schema.organisations.loaders import LoadedPages, membership_pages, viewer_roles
from schema.relay import Page, orm_node

if TYPE_CHECKING:
    from schema.people.types import Member

# schema.people.types may import this module (for Member.organisations): refer to it lazily.
LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]

OrganisationKind = strawberry.enum(
    OrganisationKindEnum, name="OrganisationKind", description="What sort of organisation it is."
)
OrganisationRole = strawberry.enum(
    OrganisationRoleEnum,
    name="OrganisationRole",
    description="Owners manage everything; admins manage the profile and staff; staff act for it.",
)
OrganisationErrorCode = strawberry.enum(OrganisationErrorCodeEnum, name="OrganisationErrorCode")


@strawberry.type(description="Why an organisation mutation did not do what was asked.")
class OrganisationError:
    code: OrganisationErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


def _max_page(info: Info) -> int:
    return int(info.schema.config.relay_max_results)


@strawberry.type(name="OrganisationMembership", description="A member's role in an organisation.")
class OrganisationMembership:
    role: OrganisationRole  # type: ignore[valid-type]

    @strawberry.field(description="When they joined it.")
    def joined_at(self, root: OrganisationMemberModel) -> datetime:
        return root.created_at

    @strawberry.field
    async def member(self, root: OrganisationMemberModel, info: Info) -> LazyMember:
        member = await info.context.loaders.by_id(MemberModel).load(root.member_id)
        return member  # type: ignore[return-value]

    @strawberry.field
    async def organisation(self, root: OrganisationMemberModel, info: Info) -> "Organisation":
        org = await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)
        return org  # type: ignore[return-value]


@orm_node(OrganisationModel)
@strawberry.type(
    name="Organisation",
    description="A charity, group, school, business or council service, with a public profile.",
)
class Organisation(relay.Node):
    id: relay.NodeID[int]
    name: str
    slug: str
    kind: OrganisationKind  # type: ignore[valid-type]
    description: str
    created_at: datetime

    @strawberry.field(description="Its web site (http or https), if it gave one.")
    def website(self, root: OrganisationModel) -> str | None:
        return root.website or None

    @strawberry.field(description="Where it works, in words (e.g. a neighbourhood), if given.")
    def area(self, root: OrganisationModel) -> str | None:
        return root.area or None

    @strawberry.field(description="What its sharing diverted and saved (shared assets).")
    async def impact(self, root: OrganisationModel, info: Info) -> ProfileImpactType:
        return await impact_of(info, "organisation", root.id)

    @strawberry.field(
        description="For signed-in members of the hub; for everyone once the organisation"
        " publishes it (contactEmailPublic)."
    )
    def contact_email(self, root: OrganisationModel) -> str | None:
        return root.contact_email or None

    @strawberry.field(description="Whether everyone (open data feeds too) sees the email.")
    def contact_email_public(self, root: OrganisationModel) -> bool:
        return root.contact_email_public

    @strawberry.field(description="The viewer's role in it; null when not part of it.")
    async def viewer_role(self, root: OrganisationModel, info: Info) -> OrganisationRole | None:  # type: ignore[valid-type]
        if info.context.actor is None:
            return None
        return await viewer_roles(info).load(root.id)

    @relay.connection(
        Page[OrganisationMembership] | None,  # type: ignore[type-var]
        description=(
            "Its people, owners first. Only for its own people and hub admins: anyone else "
            "gets a FORBIDDEN error (UNAUTHENTICATED when not signed in)."
        ),
    )
    async def members(
        self, root: OrganisationModel, info: Info
    ) -> AsyncIterable[OrganisationMemberModel]:
        loader = membership_pages(info, "organisation")
        return LoadedPages(loader, root.id, max_page=_max_page(info))


async def member_organisations(
    root: MemberModel, info: Info
) -> AsyncIterable[OrganisationMemberModel]:
    """Resolver of `Member.organisations` (for schema/people/types.py to mount).

    The member themself and hub admins see all of the member's memberships; other signed-in
    members see only those in organisations they belong to too (the rule of `members`).
    """
    actor = info.context.require_actor()
    shared = None if service.may_see_all_memberships_of(actor, root.id) else actor.member_id
    loader = membership_pages(info, "member", shared)
    return LoadedPages(loader, root.id, max_page=_max_page(info))


def member_organisations_field() -> Any:
    """A fresh `organisations` connection field for the Member type (one per type)."""
    return relay.connection(
        Page[OrganisationMembership] | None,  # type: ignore[type-var]
        resolver=member_organisations,
        description=(
            "Organisations the member belongs to, with their role: all of them for the member "
            "themself and hub admins, else only those the viewer belongs to as well."
        ),
    )
