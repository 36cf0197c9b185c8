"""Voucher queries: the hub's open offers, your vouchers, a code checked at the till."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.credits import offers
from app.credits.errors import CreditsErrorCode as E
from app.credits.models import Voucher as VoucherModel
from app.policy import visible
from schema.context import Info
from schema.credits.offers.types import Voucher, VoucherOffer, VoucherStatus
from schema.relay import Page, decode_id


@strawberry.type(description="What the till sees for a code.")
class VoucherCheck:
    status: VoucherStatus  # type: ignore[valid-type]
    offer: VoucherOffer | None
    expires_at: datetime


@strawberry.type
class OfferQueries:
    @relay.connection(Page[VoucherOffer], description="Open offers of the hub's businesses.")  # type: ignore[misc]
    def voucher_offers(
        self, info: Info, organisation_id: strawberry.ID | None = None
    ) -> Iterable[VoucherOffer]:
        if info.context.hub_id is None:
            return []
        query = offers.open_offers(info.context.hub_id)
        if organisation_id is not None:
            query = query.filter(
                organisation_id=decode_id(
                    organisation_id, "Organisation", field="organisationId", invalid=E.INVALID
                )
            )
        return query  # type: ignore[no-any-return]

    @relay.connection(Page[Voucher], description="Your vouchers, newest first.")  # type: ignore[misc]
    async def my_vouchers(
        self,
        info: Info,
        status: VoucherStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Voucher]:
        viewer = info.context.viewer
        mine = VoucherModel.filter(hub_id=viewer.hub_id, member_id=viewer.member_id)
        query = await visible(viewer, "Voucher", mine)
        if status is not None:
            query = query.filter(status=status)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]

    @strawberry.field(
        description="A code as the issuing business sees it (its people only). Errors:"
        " NOT_FOUND (no such code in the hub; extensions.field `code`), FORBIDDEN (another"
        " business's voucher, or you hold it)."
    )
    async def voucher_by_code(self, info: Info, code: str) -> VoucherCheck | None:
        voucher = await offers.check_code(actor=info.context.require_actor(), code=code)
        offer = await info.context.loaders.by_id(offers.VoucherOffer).load(voucher.offer_id)
        return VoucherCheck(
            status=voucher.status,
            offer=offer,  # type: ignore[arg-type]
            expires_at=voucher.expires_at,
        )
