"""GraphQL types of shared assets and WANTED notices."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import h3
import strawberry
from strawberry import relay

from app.assets.errors import AssetErrorCode as AssetErrorCodeEnum
from app.assets.models import Asset as AssetModel
from app.assets.models import AssetCategory as AssetCategoryModel
from app.assets.models import AssetKind as AssetKindEnum
from app.assets.models import AssetStatus as AssetStatusEnum
from app.assets.models import Audience as AudienceEnum
from app.assets.models import Condition as ConditionEnum
from app.assets.models import OwnerKind as OwnerKindEnum
from app.assets.models import WantedNotice as WantedNoticeModel
from app.assets.models import WantedStatus as WantedStatusEnum
from app.assets.policy import MANAGES, WANTED_MANAGES
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from app.people.models import Weekday as WeekdayEnum
from schema.context import Info
from schema.opportunities.types import GeoPoint
from schema.people.types import Weekday
from schema.policy import holds
from schema.relay import orm_node
from schema.translated import translated_name

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

AssetKind = strawberry.enum(
    AssetKindEnum,
    name="AssetKind",
    description="GIVEAWAY: an item to rehome. LOAN: a thing lent for days. BOOKABLE: a space or"
    " equipment booked by the hour.",
)
AssetStatus = strawberry.enum(
    AssetStatusEnum,
    name="AssetStatus",
    description="DRAFT, LISTED, HELD (for moderator review: see heldReason), REJECTED (see"
    " reviewNote), REHOMED (a giveaway's last unit found a home), WITHDRAWN.",
)
AssetOwnerKind = strawberry.enum(
    OwnerKindEnum,
    name="AssetOwnerKind",
    description="Whose it is: a MEMBER's, an ORGANISATION's, or the HUB's (public assets).",
)
AssetCondition = strawberry.enum(ConditionEnum, name="AssetCondition")
AssetAudience = strawberry.enum(
    AudienceEnum,
    name="AssetAudience",
    description="Who may take, borrow or book it: ANYONE, ORGANISATIONS (on behalf of one), or"
    " CHECKED_MEMBERS (holding every check in requiredChecks).",
)
WantedNoticeStatus = strawberry.enum(WantedStatusEnum, name="WantedNoticeStatus")
AssetErrorCode = strawberry.enum(AssetErrorCodeEnum, name="AssetErrorCode")


@strawberry.type(description="Why an asset or WANTED notice mutation did not do what was asked.")
class AssetError:
    code: AssetErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(description="A weekly opening window, in the hub's time zone.")
class OpeningHours:
    weekday: Weekday  # type: ignore[valid-type]
    opens: str = strawberry.field(description="HH:MM, 24-hour.")
    closes: str = strawberry.field(description="HH:MM, 24-hour, or 24:00 (midnight).")


@orm_node(AssetCategoryModel)
@strawberry.type(name="AssetCategory", description="What an asset is (the hub's asset taxonomy).")
class AssetCategory(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str = translated_name()


@orm_node(AssetModel)
@strawberry.type(
    name="Asset",
    description="Something shared: an item to give away, a thing to lend, a space or equipment"
    " to book.",
)
class Asset(relay.Node):
    id: relay.NodeID[int]
    kind: AssetKind  # type: ignore[valid-type]
    status: AssetStatus  # type: ignore[valid-type]
    owner_kind: AssetOwnerKind  # type: ignore[valid-type]
    title: str
    description: str
    photos: list[str] = strawberry.field(description="https URLs of photos.")
    condition: AssetCondition | None  # type: ignore[valid-type]
    quantity: int = strawberry.field(description="Units left (giveaways); 1 otherwise.")
    area_name: str = strawberry.field(description="Public name of the area, e.g. a neighbourhood.")
    requires_approval: bool = strawberry.field(
        description="The owner approves each loan or booking; else they are instant."
    )
    min_minutes: int | None = strawberry.field(description="Shortest booking or loan.")
    max_minutes: int | None = strawberry.field(description="Longest booking or loan.")
    notice_minutes: int = strawberry.field(description="How long before its start one must ask.")
    cancel_notice_minutes: int = strawberry.field(
        description="Cancelling later than this before the start is late."
    )
    audience: AssetAudience  # type: ignore[valid-type]
    required_checks: list[str] = strawberry.field(description="Checks CHECKED_MEMBERS must hold.")
    price_credits: int = strawberry.field(
        description="Credits per hour (BOOKABLE) or per loan (LOAN); 0: free. Giveaways are free."
    )
    deposit_credits: int = strawberry.field(
        description="A refundable deposit held on the borrower's credits (loans)."
    )
    listed_at: datetime | None
    withdrawn_at: datetime | None
    rehomed_at: datetime | None
    created_at: datetime

    @strawberry.field(description="One unit's weight.")
    def weight_kg(self, root: AssetModel) -> float | None:
        return None if root.weight_g is None else root.weight_g / 1000

    @strawberry.field(description="Distance from the searched point, when searching near one.")
    def distance_km(self, root: AssetModel) -> float | None:
        value = getattr(root, "distance_km", None)
        return round(value, 3) if value is not None else None

    @strawberry.field(description="Coarse H3 cell (resolution 7, ~5 km²): what everyone sees.")
    def area_cell(self, root: AssetModel) -> str | None:
        return str(h3.cell_to_parent(root.cell8, 7)) if root.cell8 else None

    @strawberry.field(description="Weekly opening windows; none: open at any time.")
    def opening_hours(self, root: AssetModel) -> list[OpeningHours]:
        return [
            OpeningHours(weekday=WeekdayEnum(w["weekday"]), opens=w["from"], closes=w["to"])
            for w in root.opening_hours or []
        ]

    @strawberry.field(description="Exact place: only for the owner side and accepted people.")
    def location(self, root: AssetModel) -> GeoPoint | None:
        return None if root.lat is None else GeoPoint(lat=root.lat, lng=root.lng or 0.0)

    @strawberry.field(description="Only for the owner side and accepted people.")
    def address(self, root: AssetModel) -> str | None:
        return root.address

    @strawberry.field(description="Only for the owner side and accepted people.")
    def contact_details(self, root: AssetModel) -> str | None:
        return root.contact_details

    @strawberry.field(
        description="Why it is held for review (empty when it is not): for the owner side and"
        " moderators."
    )
    def held_reason(self, root: AssetModel) -> str | None:
        return root.held_reason

    @strawberry.field(description="The moderator's note: for the owner side and moderators.")
    def review_note(self, root: AssetModel) -> str | None:
        return root.review_note

    @strawberry.field
    async def category(self, root: AssetModel, info: Info) -> AssetCategory:
        return await info.context.loaders.by_id(AssetCategoryModel).load(root.category_id)  # type: ignore[return-value]

    @strawberry.field(description="The member who owns it (ownerKind MEMBER).")
    async def owner_member(self, root: AssetModel, info: Info) -> LazyMember | None:
        if root.owner_member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.owner_member_id)  # type: ignore[return-value]

    @strawberry.field(description="The organisation that owns it (ownerKind ORGANISATION).")
    async def owner_organisation(self, root: AssetModel, info: Info) -> LazyOrganisation | None:
        if root.owner_organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(  # type: ignore[return-value]
            root.owner_organisation_id
        )

    @strawberry.field(description="True when the viewer is on its owner side.")
    async def viewer_can_manage(self, root: AssetModel, info: Info) -> bool:
        return await holds(info, MANAGES, root)


@orm_node(WantedNoticeModel)
@strawberry.type(name="WantedNotice", description="'Wanted: a desk': what a member is looking for.")
class WantedNotice(relay.Node):
    id: relay.NodeID[int]
    status: WantedNoticeStatus  # type: ignore[valid-type]
    kind: AssetKind | None = strawberry.field(description="The kind wanted; null: any.")  # type: ignore[valid-type]
    title: str
    description: str
    area_name: str
    within_km: int = strawberry.field(description="How far the author would travel.")
    expires_at: datetime
    closed_at: datetime | None
    created_at: datetime

    @strawberry.field(description="Coarse H3 cell (resolution 7, ~5 km²): what everyone sees.")
    def area_cell(self, root: WantedNoticeModel) -> str:
        return str(h3.cell_to_parent(root.cell8, 7))

    @strawberry.field(description="Exact place: only for the author's side.")
    def location(self, root: WantedNoticeModel) -> GeoPoint | None:
        return GeoPoint(lat=root.lat, lng=root.lng)

    @strawberry.field
    async def category(self, root: WantedNoticeModel, info: Info) -> AssetCategory:
        return await info.context.loaders.by_id(AssetCategoryModel).load(root.category_id)  # type: ignore[return-value]

    @strawberry.field
    async def author(self, root: WantedNoticeModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.author_id)  # type: ignore[return-value]

    @strawberry.field
    async def organisation(self, root: WantedNoticeModel, info: Info) -> LazyOrganisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]

    @strawberry.field(description="True when the viewer wrote it or is of its organisation.")
    async def viewer_can_manage(self, root: WantedNoticeModel, info: Info) -> bool:
        return await holds(info, WANTED_MANAGES, root)
