"""GraphQL types of voucher offers and vouchers."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.credits.models import Voucher as VoucherModel
from app.credits.models import VoucherOffer as VoucherOfferModel
from app.credits.models import VoucherStatus as VoucherStatusEnum
from app.organisations.models import Organisation as OrganisationModel
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.organisations.types import Organisation

LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]
VoucherStatus = strawberry.enum(VoucherStatusEnum, name="VoucherStatus")


@orm_node(VoucherOfferModel)
@strawberry.type(name="VoucherOffer", description="What a local business gives for credits.")
class VoucherOffer(relay.Node):
    id: relay.NodeID[int]
    title: str
    description: str
    cost: int
    stock: int = strawberry.field(description="Vouchers left.")
    per_member_limit: int
    valid_from: datetime
    valid_until: datetime
    voucher_days: int = strawberry.field(description="How long an issued voucher can be used.")
    refund_unused: bool
    active: bool

    @strawberry.field
    async def organisation(self, root: VoucherOfferModel, info: Info) -> LazyOrganisation | None:
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]


@orm_node(VoucherModel)
@strawberry.type(name="Voucher", description="A single-use code, shown at the business's till.")
class Voucher(relay.Node):
    id: relay.NodeID[int]
    code: str
    status: VoucherStatus  # type: ignore[valid-type]
    expires_at: datetime
    used_at: datetime | None
    created_at: datetime

    @strawberry.field
    async def offer(self, root: VoucherModel, info: Info) -> VoucherOffer | None:
        return await info.context.loaders.by_id(VoucherOfferModel).load(root.offer_id)  # type: ignore[return-value]
