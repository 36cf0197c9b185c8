"""GraphQL types of opportunities and applications."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from app.opportunities import geo
from app.opportunities.errors import OpportunityErrorCode as OpportunityErrorCodeEnum
from app.opportunities.models import Application as ApplicationModel
from app.opportunities.models import ApplicationStatus as ApplicationStatusEnum
from app.opportunities.models import Category as CategoryModel
from app.opportunities.models import Opportunity as OpportunityModel
from app.opportunities.models import OpportunityKind as OpportunityKindEnum
from app.opportunities.models import OpportunityStatus as OpportunityStatusEnum
from app.opportunities.models import Urgency as UrgencyEnum
from app.opportunities.policy import MANAGES
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from app.policy import visible
from app.portfolios import hours
from app.portfolios.models import HoursRecord as HoursRecordModel
from schema import nested
from schema.context import Info
from schema.opportunities import loaders
from schema.policy import holds
from schema.portfolios.types import HoursRecord
from schema.relay import Page, orm_node
from schema.translated import translated_name

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member, Skill

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazySkill = Annotated["Skill", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

OpportunityKind = strawberry.enum(
    OpportunityKindEnum,
    name="OpportunityKind",
    description="OFFER: the poster offers help. REQUEST: the poster needs help.",
)
OpportunityStatus = strawberry.enum(OpportunityStatusEnum, name="OpportunityStatus")
Urgency = strawberry.enum(UrgencyEnum, name="Urgency")
ApplicationStatus = strawberry.enum(ApplicationStatusEnum, name="ApplicationStatus")
OpportunityErrorCode = strawberry.enum(OpportunityErrorCodeEnum, name="OpportunityErrorCode")

# Below a list, each connection loads for all the list's opportunities at once.
_APPLICATIONS = nested.Children(ApplicationModel, "opportunity_id", ("created_at", "id"))
_HOURS_TO_VERIFY = nested.Children(HoursRecordModel, "opportunity_id", ("created_at", "id"))


@strawberry.type(
    description="Why an opportunity or application mutation did not do what was asked."
)
class OpportunityError:
    code: OpportunityErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(description="A point (WGS84).")
class GeoPoint:
    lat: float
    lng: float


@orm_node(CategoryModel)
@strawberry.type(name="Category", description="What an opportunity is about (hub taxonomy).")
class Category(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str = translated_name()


@orm_node(OpportunityModel)
@strawberry.type(name="Opportunity", description="An offer of help or a request for help.")
class Opportunity(relay.Node):
    id: relay.NodeID[int]
    kind: OpportunityKind  # type: ignore[valid-type]
    status: OpportunityStatus  # type: ignore[valid-type]
    title: str
    description: str
    remote: bool
    area_name: str = strawberry.field(description="Public name of the area, e.g. a neighbourhood.")
    starts_at: datetime | None
    ends_at: datetime | None
    recurrence: str = strawberry.field(description="iCalendar RRULE of recurring shifts, or empty.")
    places: int
    accepted_count: int
    required_checks: list[str] = strawberry.field(description="Trust checks applicants must hold.")
    min_age: int | None
    urgency: Urgency  # type: ignore[valid-type]
    auto_accept: bool
    published_at: datetime | None
    expires_at: datetime | None
    created_at: datetime

    @strawberry.field(description="Distance from the searched point, when searching near one.")
    def distance_km(self, root: OpportunityModel) -> float | None:
        value = getattr(root, "distance_km", None)
        return round(value, 3) if value is not None else None

    @strawberry.field
    def places_left(self, root: OpportunityModel) -> int:
        return max(0, root.places - root.accepted_count)

    @strawberry.field(description="Coarse H3 cell (resolution 7, ~5 km²): what everyone sees.")
    def area_cell(self, root: OpportunityModel) -> str | None:
        return geo.public_cell(root.cell8)

    @strawberry.field(description="Exact place: only for the poster's side and accepted people.")
    def location(self, root: OpportunityModel) -> GeoPoint | None:
        return None if root.lat is None else GeoPoint(lat=root.lat, lng=root.lng or 0.0)

    @strawberry.field(description="Only for the poster's side and accepted people.")
    def address(self, root: OpportunityModel) -> str | None:
        return root.address

    @strawberry.field(description="Only for the poster's side and accepted people.")
    def contact_details(self, root: OpportunityModel) -> str | None:
        return root.contact_details

    @strawberry.field
    async def category(self, root: OpportunityModel, info: Info) -> Category:
        return await info.context.loaders.by_id(CategoryModel).load(root.category_id)  # type: ignore[return-value]

    @strawberry.field
    async def skills(self, root: OpportunityModel, info: Info) -> list[LazySkill]:
        return await loaders.skills_by_opportunity(info).load(root.id)  # type: ignore[return-value]

    @strawberry.field
    async def poster(self, root: OpportunityModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.poster_id)  # type: ignore[return-value]

    @strawberry.field
    async def organisation(self, root: OpportunityModel, info: Info) -> LazyOrganisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]

    @strawberry.field(description="True when the viewer posted it or staffs its organisation.")
    async def viewer_can_manage(self, root: OpportunityModel, info: Info) -> bool:
        return await holds(info, MANAGES, root)

    @strawberry.field(description="The viewer's own application, if any.")
    async def viewer_application(self, root: OpportunityModel, info: Info) -> "Application | None":
        return await loaders.viewer_applications(info).load(root.id)  # type: ignore[return-value]

    @relay.connection(Page["Application"], description="Applications: the poster's side only.")  # type: ignore[misc]
    async def applications(
        self,
        root: OpportunityModel,
        info: Info,
        status: ApplicationStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable["Application"]:
        viewer = info.context.viewer

        async def build(ids: list[int]) -> QuerySet[ApplicationModel]:
            query = ApplicationModel.filter(hub_id=root.hub_id, opportunity_id__in=ids)
            if status is not None:
                query = query.filter(status=status)
            return await visible(viewer, "Application", query)

        return await nested.page_rows(info, _APPLICATIONS, root.id, build, shape=status)

    @relay.connection(  # type: ignore[misc]
        Page[HoursRecord],
        description="Pending hours of this opportunity waiting for you to verify, oldest first."
        " The receiving side only: for a request, its poster and organisation; for an offer,"
        " its accepted applicants (each sees their own engagement's).",
    )
    async def hours_to_verify(self, root: OpportunityModel, info: Info) -> Iterable[HoursRecord]:
        viewer = info.context.viewer

        async def build(ids: list[int]) -> QuerySet[Any]:
            query = await hours.to_verify(viewer, opportunity_ids=ids)
            return await visible(viewer, "HoursRecord", query)

        return await nested.page_rows(info, _HOURS_TO_VERIFY, root.id, build)


@orm_node(ApplicationModel)
@strawberry.type(name="Application", description="A member's application to an opportunity.")
class Application(relay.Node):
    id: relay.NodeID[int]
    status: ApplicationStatus  # type: ignore[valid-type]
    message: str
    created_at: datetime
    decided_at: datetime | None

    @strawberry.field
    async def applicant(self, root: ApplicationModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.applicant_id)  # type: ignore[return-value]

    @strawberry.field
    async def opportunity(self, root: ApplicationModel, info: Info) -> Opportunity | None:
        return await info.context.loaders.by_id(OpportunityModel).load(root.opportunity_id)  # type: ignore[return-value]
