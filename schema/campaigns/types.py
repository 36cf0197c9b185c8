"""GraphQL types of campaigns (group buys and community projects), pledges and orders."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from app.campaigns import service
from app.campaigns.errors import CampaignErrorCode as CampaignErrorCodeEnum
from app.campaigns.models import Campaign as CampaignModel
from app.campaigns.models import CampaignKind as CampaignKindEnum
from app.campaigns.models import CampaignStatus as CampaignStatusEnum
from app.campaigns.models import CampaignUpdate as CampaignUpdateModel
from app.campaigns.models import GroupBuyOrder as GroupBuyOrderModel
from app.campaigns.models import InKindKind as InKindKindEnum
from app.campaigns.models import InKindPledge as InKindPledgeModel
from app.campaigns.models import InKindStatus as InKindStatusEnum
from app.campaigns.models import MatchPot as MatchPotModel
from app.campaigns.models import OrderStatus as OrderStatusEnum
from app.campaigns.models import Pledge as PledgeModel
from app.campaigns.models import PledgeStatus as PledgeStatusEnum
from app.opportunities.models import Opportunity as OpportunityModel
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from app.policy import visible
from schema import nested
from schema.context import Info
from schema.relay import Page, orm_node

_BACKERS = nested.Children(PledgeModel, "campaign_id", ("id",))

if TYPE_CHECKING:
    from schema.opportunities.types import Opportunity
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]
LazyOpportunity = Annotated["Opportunity", strawberry.lazy("schema.opportunities.types")]

CampaignErrorCode = strawberry.enum(CampaignErrorCodeEnum, name="CampaignErrorCode")
CampaignKind = strawberry.enum(
    CampaignKindEnum,
    name="CampaignKind",
    description="GROUP_BUY: a supplier, a unit price, a tipping point (and maybe a maximum):"
    " the deal happens only if enough people join. PROJECT: a target in credits, all or nothing.",
)
CampaignStatus = strawberry.enum(
    CampaignStatusEnum,
    name="CampaignStatus",
    description="DRAFT (its owner side only), OPEN (taking pledges), TIPPED (a group buy that"
    " reached its tipping point), SUCCEEDED (holds posted to the recipient), FAILED and"
    " CANCELLED (every hold released).",
)
PledgeStatus = strawberry.enum(PledgeStatusEnum, name="PledgeStatus")
OrderStatus = strawberry.enum(OrderStatusEnum, name="GroupBuyOrderStatus")
InKindKind = strawberry.enum(InKindKindEnum, name="InKindKind")
InKindStatus = strawberry.enum(InKindStatusEnum, name="InKindStatus")


@strawberry.type(description="Why a campaign mutation did not go through (nothing was written).")
class CampaignError:
    code: CampaignErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(
    name="CampaignProgress",
    description="Where a campaign stands. Credits in the hub's smallest unit; percent of the"
    " tipping point (group buys) or of the target (projects: pledged + matched, plus in kind"
    " when the owner counts it).",
)
class CampaignProgress:
    pledged: int
    matched: int
    in_kind: int = strawberry.field(description="Hours and items pledged, at the hub's rate.")
    backers: int
    units: int
    percent: int
    seconds_left: int = strawberry.field(description="Until the deadline; 0 once it has ended.")


@strawberry.type(name="CampaignUpdate", description="News from the campaign's owner side.")
class CampaignUpdate:
    title: str
    body: str
    created_at: datetime


@strawberry.type(
    name="MatchPot",
    description="A funder matches pledges: ratioNum credits for every ratioDen pledged, at most"
    " capPerBacker a pledge and totalCap in all; with areas, only backers whose home lies in"
    " one (H3 cells).",
)
class MatchPot:
    ratio_num: int
    ratio_den: int
    cap_per_backer: int | None
    total_cap: int
    matched: int
    areas: list[str]

    @strawberry.field
    async def funder(self, root: MatchPotModel, info: Info) -> LazyOrganisation | None:
        return await info.context.loaders.by_id(OrganisationModel).load(root.funder_id)  # type: ignore[return-value]


@orm_node(InKindPledgeModel)
@strawberry.type(
    name="InKindPledge",
    description="Hours (with a skill) or an item for a project: seen by its backer and the"
    " campaign's owner side. At success hours become an accepted place on the opportunity the"
    " campaign makes (ACCEPTED); at failure they lapse (LAPSED); the backer is told either way.",
)
class InKindPledge(relay.Node):
    id: relay.NodeID[int]
    kind: InKindKind  # type: ignore[valid-type]
    status: InKindStatus  # type: ignore[valid-type]
    minutes: int
    description: str
    value: int = strawberry.field(description="Credits it counts for, at the hub's rate.")
    anonymous: bool
    created_at: datetime

    @strawberry.field
    async def campaign(self, root: InKindPledgeModel, info: Info) -> "Campaign | None":
        return await info.context.loaders.by_id(CampaignModel).load(root.campaign_id)  # type: ignore[return-value]


def _grouped(model: Any, key: str, order: str) -> Any:
    def factory(hub_id: int | None) -> Any:
        async def load(ids: list[int]) -> list[list[Any]]:
            rows = await model.filter(hub_id=hub_id, **{f"{key}__in": ids}).order_by(order, "id")
            grouped: dict[int, list[Any]] = {i: [] for i in ids}
            for row in rows:
                grouped[getattr(row, key)].append(row)
            return [grouped[i] for i in ids]

        return load

    return factory


@orm_node(CampaignModel)
@strawberry.type(
    name="Campaign",
    description="A group buy or a community project: public in its hub once opened.",
)
class Campaign(relay.Node):
    id: relay.NodeID[int]
    kind: CampaignKind  # type: ignore[valid-type]
    status: CampaignStatus  # type: ignore[valid-type]
    title: str
    story: str
    deadline: datetime
    target: int | None
    unit_price: int | None
    tipping_units: int | None
    max_units: int | None
    count_in_kind: bool
    created_at: datetime
    opened_at: datetime | None
    tipped_at: datetime | None
    closed_at: datetime | None = strawberry.field(description="When its outcome was decided.")
    settled_at: datetime | None = strawberry.field(
        description="When every hold had been posted or released."
    )

    @strawberry.field
    async def owner_member(self, root: CampaignModel, info: Info) -> LazyMember | None:
        if root.owner_member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.owner_member_id)  # type: ignore[return-value]

    @strawberry.field
    async def owner_organisation(self, root: CampaignModel, info: Info) -> LazyOrganisation | None:
        if root.owner_organisation_id is None:
            return None
        loader = info.context.loaders.by_id(OrganisationModel)
        return await loader.load(root.owner_organisation_id)  # type: ignore[return-value]

    @strawberry.field(description="Group buys: the business that sells.")
    async def supplier(self, root: CampaignModel, info: Info) -> LazyOrganisation | None:
        if root.supplier_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.supplier_id)  # type: ignore[return-value]

    @strawberry.field(description="Projects with hour pledges: the opportunity made at success.")
    async def opportunity(self, root: CampaignModel, info: Info) -> LazyOpportunity | None:
        if root.opportunity_id is None:
            return None
        return await info.context.loaders.by_id(OpportunityModel).load(root.opportunity_id)  # type: ignore[return-value]

    @strawberry.field
    def progress(self, root: CampaignModel) -> CampaignProgress:
        p = service.progress(root)
        return CampaignProgress(
            pledged=p.pledged,
            matched=p.matched,
            in_kind=p.in_kind,
            backers=p.backers,
            units=p.units,
            percent=p.percent,
            seconds_left=p.seconds_left,
        )

    @relay.connection(  # type: ignore[misc]
        Page["Pledge"],
        description="Its backers' pledges, first first; an anonymous backer's name is hidden.",
    )
    async def backers(self, root: CampaignModel, info: Info) -> Iterable["Pledge"]:
        viewer = info.context.viewer

        async def build(ids: list[int]) -> QuerySet[PledgeModel]:
            query = PledgeModel.filter(
                hub_id=root.hub_id,
                campaign_id__in=ids,
                status__in=[PledgeStatusEnum.ACTIVE, PledgeStatusEnum.CAPTURED],
            )
            return await visible(viewer, "Pledge", query)

        return await nested.page_rows(info, _BACKERS, root.id, build)  # type: ignore[no-any-return]

    @strawberry.field(description="The owner side's updates, newest first.")
    async def updates(self, root: CampaignModel, info: Info) -> list[CampaignUpdate]:
        loader = info.context.loaders.get(
            "campaign.updates", _grouped(CampaignUpdateModel, "campaign_id", "-created_at")
        )
        return await loader.load(root.id)  # type: ignore[no-any-return]

    @strawberry.field
    async def match_pots(self, root: CampaignModel, info: Info) -> list[MatchPot]:
        loader = info.context.loaders.get(
            "campaign.pots", _grouped(MatchPotModel, "campaign_id", "created_at")
        )
        return await loader.load(root.id)  # type: ignore[no-any-return]


@orm_node(PledgeModel)
@strawberry.type(
    name="Pledge",
    description="A backer's credits for a campaign, held until it settles. Who pledged is shown"
    " unless the backer chose to be anonymous; how much, to the backer and the owner side.",
)
class Pledge(relay.Node):
    id: relay.NodeID[int]
    status: PledgeStatus  # type: ignore[valid-type]
    anonymous: bool
    units: int
    amount: int | None
    matched: int | None
    created_at: datetime

    @strawberry.field
    async def campaign(self, root: PledgeModel, info: Info) -> Campaign | None:
        return await info.context.loaders.by_id(CampaignModel).load(root.campaign_id)  # type: ignore[return-value]

    @strawberry.field
    async def backer(self, root: PledgeModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]

    @strawberry.field(
        description="The organisation's name when pledged for one, else the member's."
    )
    async def backer_name(self, root: PledgeModel, info: Info) -> str | None:
        if root.organisation_id is not None:
            org = await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)
            return org.name if org else None
        member = await info.context.loaders.by_id(MemberModel).load(root.member_id)
        return member.display_name if member else None


@orm_node(GroupBuyOrderModel)
@strawberry.type(
    name="GroupBuyOrder",
    description="What a backer bought in a group buy that succeeded: paid; the supplier hands it"
    " over against its code and marks it fulfilled.",
)
class GroupBuyOrder(relay.Node):
    id: relay.NodeID[int]
    status: OrderStatus  # type: ignore[valid-type]
    units: int
    unit_price: int
    total: int
    code: str | None = strawberry.field(description="The redemption code (buyer and supplier).")
    created_at: datetime
    fulfilled_at: datetime | None

    @strawberry.field
    async def campaign(self, root: GroupBuyOrderModel, info: Info) -> Campaign | None:
        return await info.context.loaders.by_id(CampaignModel).load(root.campaign_id)  # type: ignore[return-value]

    @strawberry.field
    async def buyer(self, root: GroupBuyOrderModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]

    @strawberry.field
    async def supplier(self, root: GroupBuyOrderModel, info: Info) -> LazyOrganisation | None:
        return await info.context.loaders.by_id(OrganisationModel).load(root.supplier_id)  # type: ignore[return-value]
