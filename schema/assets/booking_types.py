"""GraphQL types of bookings and loans, and their payloads."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.assets.errors import AssetErrorCode as E
from app.assets.models import Asset as AssetModel
from app.assets.sharing_models import Booking as BookingModel
from app.assets.sharing_models import BookingStatus as BookingStatusEnum
from app.assets.sharing_models import DisputeResolution as DisputeResolutionEnum
from app.assets.sharing_models import Loan as LoanModel
from app.assets.sharing_models import LoanStatus as LoanStatusEnum
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from schema.assets.types import Asset, AssetCondition, AssetError
from schema.context import Info
from schema.relay import decode_id, orm_node

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

BookingStatus = strawberry.enum(
    BookingStatusEnum,
    name="BookingStatus",
    description="PENDING: waiting for the owner side (the slot is kept meanwhile). CONFIRMED."
    " DECLINED. CANCELLED. CHECKED_IN, CHECKED_OUT: used (credits paid at check-out). NO_SHOW:"
    " ended without a check-in (credits paid: the slot was kept).",
)
LoanStatus = strawberry.enum(
    LoanStatusEnum,
    name="LoanStatus",
    description="REQUESTED; APPROVED (the dates are held; handover awaited) or DECLINED;"
    " CANCELLED before the handover; ON_LOAN once both sides confirmed the handover; OVERDUE"
    " past its due time; RETURNED once both confirmed the return (or a moderator resolved a"
    " dispute); DISPUTED: waiting for a moderator.",
)
LoanDisputeResolution = strawberry.enum(
    DisputeResolutionEnum,
    name="LoanDisputeResolution",
    description="DEPOSIT_RETURNED: the deposit is released to the borrower. DEPOSIT_TO_OWNER:"
    " it is paid to the owner side.",
)


@orm_node(BookingModel)
@strawberry.type(
    name="Booking",
    description="A slot [startsAt, endsAt) of a bookable asset: for the booker's side and the"
    " asset's owner side.",
)
class Booking(relay.Node):
    id: relay.NodeID[int]
    status: BookingStatus  # type: ignore[valid-type]
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive: the next slot may start then.")
    price_credits: int = strawberry.field(
        description="The slot's price in credits (0: free), held when booked, paid at check-out."
    )
    created_at: datetime
    decided_at: datetime | None = strawberry.field(
        description="When it was confirmed or declined (at once when no approval is needed)."
    )
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    checked_out_at: datetime | None

    @strawberry.field(description="The booker's note to the owner side.")
    def message(self, root: BookingModel) -> str | None:
        return root.message

    @strawberry.field(description="Why it was cancelled or declined, if given.")
    def cancel_reason(self, root: BookingModel) -> str | None:
        return root.cancel_reason

    @strawberry.field(description="The asset booked (null when you may not see it).")
    async def asset(self, root: BookingModel, info: Info) -> Asset | None:
        return await info.context.loaders.by_id(AssetModel).load(root.asset_id)  # type: ignore[return-value]

    @strawberry.field
    async def booker(self, root: BookingModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.booker_id)  # type: ignore[return-value]

    @strawberry.field(description="The organisation it was booked for, if any.")
    async def booker_organisation(self, root: BookingModel, info: Info) -> LazyOrganisation | None:
        if root.booker_organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(  # type: ignore[return-value]
            root.booker_organisation_id
        )


@orm_node(LoanModel)
@strawberry.type(
    name="Loan",
    description="Borrowing a thing for [startsAt, dueAt): for the borrower's side and the"
    " asset's owner side.",
)
class Loan(relay.Node):
    id: relay.NodeID[int]
    status: LoanStatus  # type: ignore[valid-type]
    starts_at: datetime
    due_at: datetime = strawberry.field(description="When it is due back.")
    price_credits: int = strawberry.field(description="The loan's price in credits (0: free).")
    deposit_credits: int = strawberry.field(
        description="The refundable deposit, held from the handover until the return."
    )
    created_at: datetime
    decided_at: datetime | None = strawberry.field(description="When it was approved or declined.")
    handover_owner_confirmed_at: datetime | None
    handover_borrower_confirmed_at: datetime | None
    handed_over_at: datetime | None = strawberry.field(
        description="When both sides had confirmed the handover."
    )
    return_owner_confirmed_at: datetime | None
    return_borrower_confirmed_at: datetime | None
    returned_at: datetime | None = strawberry.field(
        description="When both sides had confirmed the return."
    )
    return_condition: AssetCondition | None = strawberry.field(  # type: ignore[valid-type]
        description="The condition it came back in, as the owner side noted it."
    )
    disputed_at: datetime | None
    resolution: LoanDisputeResolution | None = strawberry.field(  # type: ignore[valid-type]
        description="How a moderator settled the dispute."
    )
    resolved_at: datetime | None

    @strawberry.field(description="The borrower's note to the owner side.")
    def message(self, root: LoanModel) -> str | None:
        return root.message

    @strawberry.field(description="The owner side's note on the return.")
    def return_note(self, root: LoanModel) -> str | None:
        return root.return_note

    @strawberry.field(description="What the dispute is about.")
    def dispute_reason(self, root: LoanModel) -> str | None:
        return root.dispute_reason

    @strawberry.field(description="The moderator's note on the resolution.")
    def resolution_note(self, root: LoanModel) -> str | None:
        return root.resolution_note

    @strawberry.field(description="The thing borrowed (null when you may not see it).")
    async def asset(self, root: LoanModel, info: Info) -> Asset | None:
        return await info.context.loaders.by_id(AssetModel).load(root.asset_id)  # type: ignore[return-value]

    @strawberry.field
    async def borrower(self, root: LoanModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.borrower_id)  # type: ignore[return-value]

    @strawberry.field(description="The organisation it was borrowed for, if any.")
    async def borrower_organisation(self, root: LoanModel, info: Info) -> LazyOrganisation | None:
        if root.borrower_organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(  # type: ignore[return-value]
            root.borrower_organisation_id
        )


@strawberry.type
class BookingPayload:
    booking: Booking | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


@strawberry.type
class LoanPayload:
    loan: Loan | None = None
    errors: list[AssetError] = strawberry.field(default_factory=list)


def booking_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Booking", field="bookingId", invalid=E.INVALID)


def loan_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Loan", field="loanId", invalid=E.INVALID)


def organisation_id(gid: strawberry.ID | None) -> int | None:
    if gid is None:
        return None
    return decode_id(gid, "Organisation", field="organisationId", invalid=E.INVALID)
