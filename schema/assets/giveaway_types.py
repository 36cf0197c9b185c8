"""GraphQL types of giveaway requests and shares recorded off the site, and their payloads."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset as AssetModel
from app.assets.sharing_models import GiveawayRequest as GiveawayRequestModel
from app.assets.sharing_models import GiveawayRequestStatus as GiveawayRequestStatusEnum
from app.assets.sharing_models import OffSiteShare as OffSiteShareModel
from app.assets.sharing_models import ShareStatus as ShareStatusEnum
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from schema.assets.types import Asset, AssetError, AssetKind
from schema.context import Info
from schema.relay import decode_id, orm_node

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

GiveawayRequestStatus = strawberry.enum(
    GiveawayRequestStatusEnum,
    name="GiveawayRequestStatus",
    description="PENDING: asked. CHOSEN: the owner side chose it (the place is shown to the"
    " requester). HANDED_OVER: both sides confirmed the handover. DECLINED: not chosen, or the"
    " item found another home. WITHDRAWN: the requester changed their mind.",
)
OffSiteShareStatus = strawberry.enum(
    ShareStatusEnum,
    name="OffSiteShareStatus",
    description="PENDING: recorded, waiting for the other side. CONFIRMED: it counts."
    " DECLINED: the other side says it did not happen.",
)


@orm_node(GiveawayRequestModel)
@strawberry.type(
    name="GiveawayRequest",
    description="A request for an item someone gives away: for its requester's side and the"
    " item's owner side.",
)
class GiveawayRequest(relay.Node):
    id: relay.NodeID[int]
    status: GiveawayRequestStatus  # type: ignore[valid-type]
    quantity: int = strawberry.field(description="Units asked for (once chosen: units chosen).")
    message: str
    created_at: datetime
    decided_at: datetime | None = strawberry.field(description="When it was chosen or declined.")
    owner_confirmed_at: datetime | None = strawberry.field(
        description="When the owner side confirmed the handover."
    )
    receiver_confirmed_at: datetime | None = strawberry.field(
        description="When the requester's side confirmed the handover."
    )
    handed_over_at: datetime | None = strawberry.field(
        description="When both sides had confirmed it: the units are rehomed."
    )

    @strawberry.field(description="The item asked for.")
    async def asset(self, root: GiveawayRequestModel, info: Info) -> Asset | None:
        return await info.context.loaders.by_id(AssetModel).load(root.asset_id)  # type: ignore[return-value]

    @strawberry.field
    async def requester(self, root: GiveawayRequestModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.requester_id)  # type: ignore[return-value]

    @strawberry.field(description="The organisation it was asked for, if any.")
    async def requester_organisation(
        self, root: GiveawayRequestModel, info: Info
    ) -> LazyOrganisation | None:
        if root.requester_organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(  # type: ignore[return-value]
            root.requester_organisation_id
        )


@orm_node(OffSiteShareModel)
@strawberry.type(
    name="OffSiteShare",
    description="A giveaway or loan made off the site, recorded by the owner side: it counts"
    " (impact, profiles) once the other side confirms it.",
)
class OffSiteShare(relay.Node):
    id: relay.NodeID[int]
    kind: AssetKind  # type: ignore[valid-type]
    status: OffSiteShareStatus  # type: ignore[valid-type]
    quantity: int
    occurred_on: date
    note: str
    created_at: datetime
    answered_at: datetime | None = strawberry.field(
        description="When the other side confirmed or declined it."
    )

    @strawberry.field(description="The asset shared (null when you may not see it).")
    async def asset(self, root: OffSiteShareModel, info: Info) -> Asset | None:
        return await info.context.loaders.by_id(AssetModel).load(root.asset_id)  # type: ignore[return-value]

    @strawberry.field(description="Who on the owner side recorded it.")
    async def recorded_by(self, root: OffSiteShareModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.recorded_by_id)  # type: ignore[return-value]

    @strawberry.field(description="The member who received it, if a member did.")
    async def receiver_member(self, root: OffSiteShareModel, info: Info) -> LazyMember | None:
        if root.receiver_member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.receiver_member_id)  # type: ignore[return-value]

    @strawberry.field(description="The organisation that received it, if one did.")
    async def receiver_organisation(
        self, root: OffSiteShareModel, info: Info
    ) -> LazyOrganisation | None:
        if root.receiver_organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(  # type: ignore[return-value]
            root.receiver_organisation_id
        )


@strawberry.type
class GiveawayRequestPayload:
    giveaway_request: GiveawayRequest | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


@strawberry.type
class OffSiteSharePayload:
    off_site_share: OffSiteShare | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


def giveaway_request_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "GiveawayRequest", field="giveawayRequestId", invalid=E.INVALID)


def off_site_share_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "OffSiteShare", field="offSiteShareId", invalid=E.INVALID)


def optional_id(gid: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if gid is None else decode_id(gid, type_name, field=field, invalid=E.INVALID)
