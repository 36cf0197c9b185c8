"""GraphQL types of civic voice: problem categories, reports and their updates, settings."""

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.campaigns.models import Campaign as CampaignModel
from app.civic.errors import CivicErrorCode as CivicErrorCodeEnum
from app.civic.models import CivicSettings as SettingsModel
from app.civic.problems.models import ProblemCategory as CategoryModel
from app.civic.problems.models import ProblemReport as ReportModel
from app.civic.problems.models import ProblemStatus as ProblemStatusEnum
from app.civic.problems.models import ProblemUpdate as UpdateModel
from app.opportunities.models import Opportunity as OpportunityModel
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.loaders import group
from schema.opportunities.types import GeoPoint
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.campaigns.types import Campaign
    from schema.opportunities.types import Opportunity
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]
LazyOpportunity = Annotated["Opportunity", strawberry.lazy("schema.opportunities.types")]
LazyCampaign = Annotated["Campaign", strawberry.lazy("schema.campaigns.types")]

CivicErrorCode = strawberry.enum(CivicErrorCodeEnum, name="CivicErrorCode")
ProblemStatus = strawberry.enum(
    ProblemStatusEnum,
    name="ProblemStatus",
    description="OPEN, CONFIRMED, IN_PROGRESS, FIXED, CLOSED (with a reason); only the"
    " responsible body changes it.",
)


@strawberry.type(description="Why a civic mutation did not go through (nothing was written).")
class CivicError:
    code: CivicErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(description="The hub's civic area (when it has no wards) and ideas' rules.")
class CivicSettings:
    centre: GeoPoint | None
    radius_km: float | None
    idea_threshold: int
    idea_window_days: int
    answer_days: int

    @classmethod
    def of(cls, row: SettingsModel) -> "CivicSettings":
        centre = None
        if row.centre_lat is not None and row.centre_lng is not None:
            centre = GeoPoint(lat=row.centre_lat, lng=row.centre_lng)
        return cls(
            centre=centre,
            radius_km=row.radius_km,
            idea_threshold=row.idea_threshold,
            idea_window_days=row.idea_window_days,
            answer_days=row.answer_days,
        )


@orm_node(CategoryModel)
@strawberry.type(name="ProblemCategory", description="What a problem report is about.")
class ProblemCategory(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="Also its Open311 service_code.")
    name: str
    group: str


@orm_node(UpdateModel)
@strawberry.type(name="ProblemUpdate", description="A status change by the responsible body.")
class ProblemUpdate(relay.Node):
    id: relay.NodeID[int]
    status: ProblemStatus  # type: ignore[valid-type]
    note: str
    created_at: datetime


def _updates(hub_id: int | None) -> Callable[[list[int]], Coroutine[Any, Any, list[list[Any]]]]:
    async def load(ids: list[int]) -> list[list[Any]]:
        rows = await UpdateModel.filter(hub_id=hub_id, report_id__in=ids).order_by("id")
        return group(rows, ids, "report_id")

    return load


@orm_node(ReportModel)
@strawberry.type(
    name="ProblemReport",
    description="A problem a resident reported (FixMyStreet): public, with its place rounded"
    " unless the reporter agreed to show it exactly.",
)
class ProblemReport(relay.Node):
    id: relay.NodeID[int]
    description: str
    photo_urls: list[str]
    status: ProblemStatus  # type: ignore[valid-type]
    close_reason: str
    me_too_count: int
    created_at: datetime
    status_changed_at: datetime | None
    fixed_at: datetime | None
    address: str = strawberry.field(description="The reporter and the responsible body only.")

    @strawberry.field(description="True when the public location is the exact place.")
    def exact_location_shown(self, root: ReportModel) -> bool:
        return bool(root.public_exact)

    @strawberry.field(
        description="The public place: the centre of its ~0.1 km² cell, or the exact place if"
        " the reporter agreed."
    )
    def location(self, root: ReportModel) -> GeoPoint:
        return GeoPoint(lat=root.public_lat, lng=root.public_lng)

    @strawberry.field(description="The exact place: the reporter and the responsible body only.")
    def exact_location(self, root: ReportModel) -> GeoPoint | None:
        return GeoPoint(lat=root.lat, lng=root.lng)

    @strawberry.field
    async def category(self, root: ReportModel, info: Info) -> ProblemCategory:
        return await info.context.loaders.by_id(CategoryModel).load(root.category_id)  # type: ignore[return-value]

    @strawberry.field(description="The reporter and the responsible body only.")
    async def reporter(self, root: ReportModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.reporter_id)  # type: ignore[return-value]

    @strawberry.field(description="The organisation responsible; null: the council.")
    async def organisation(self, root: ReportModel, info: Info) -> LazyOrganisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]

    @strawberry.field(description="The opportunity for volunteers it became, if any.")
    async def opportunity(self, root: ReportModel, info: Info) -> LazyOpportunity | None:
        if root.opportunity_id is None:
            return None
        return await info.context.loaders.by_id(OpportunityModel).load(root.opportunity_id)  # type: ignore[return-value]

    @strawberry.field(description="The community project (campaign) it became, if any.")
    async def campaign(self, root: ReportModel, info: Info) -> LazyCampaign | None:
        if root.campaign_id is None:
            return None
        return await info.context.loaders.by_id(CampaignModel).load(root.campaign_id)  # type: ignore[return-value]

    @strawberry.field(description="Status changes, oldest first.")
    async def updates(self, root: ReportModel, info: Info) -> list[ProblemUpdate]:
        loader = info.context.loaders.get("problem.updates", _updates)
        return await loader.load(root.id)  # type: ignore[no-any-return]
