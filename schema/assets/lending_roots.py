"""The roots of bookings and loans: their lists and their mutations (one mutation per module
in schema/assets/mutations/)."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.assets import bookings, loans
from app.policy import visible
from schema.assets.booking_types import Booking, BookingStatus, Loan, LoanStatus
from schema.assets.mutations.approve_loan import approve_loan
from schema.assets.mutations.book_asset import book_asset
from schema.assets.mutations.cancel_booking import cancel_booking
from schema.assets.mutations.cancel_loan import cancel_loan
from schema.assets.mutations.check_in_booking import check_in_booking
from schema.assets.mutations.check_out_booking import check_out_booking
from schema.assets.mutations.confirm_booking import confirm_booking
from schema.assets.mutations.confirm_loan_handover import confirm_loan_handover
from schema.assets.mutations.confirm_loan_return import confirm_loan_return
from schema.assets.mutations.decline_booking import decline_booking
from schema.assets.mutations.decline_loan import decline_loan
from schema.assets.mutations.dispute_loan import dispute_loan
from schema.assets.mutations.payloads import asset_id as decode_asset_id
from schema.assets.mutations.request_loan import request_loan
from schema.assets.mutations.resolve_loan_dispute import resolve_loan_dispute
from schema.context import Info
from schema.relay import Page


@strawberry.type
class LendingQueries:
    @relay.connection(  # type: ignore[misc]
        Page[Booking], description="Your bookings, latest start first."
    )
    async def my_bookings(
        self,
        info: Info,
        status: BookingStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Booking]:
        mine = bookings.bookings_of(actor=info.context.require_actor(), status=status)
        return await visible(info.context.viewer, "Booking", mine)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Booking],
        description="An asset's bookings in start order, those ending after `since` and"
        " starting before `until` (its owner side and moderators). Errors (extensions.code):"
        " NOT_FOUND (no such asset in your hub), FORBIDDEN (not your side's).",
    )
    async def asset_bookings(
        self,
        info: Info,
        asset_id: strawberry.ID,
        since: datetime | None = None,
        until: datetime | None = None,
        status: BookingStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Booking]:
        found = await bookings.bookings_for(
            actor=info.context.require_actor(),
            asset_id=decode_asset_id(asset_id),
            since=since,
            until=until,
            status=status,
        )
        return await visible(info.context.viewer, "Booking", found)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Loan], description="What you borrow or asked to borrow, latest start first."
    )
    async def my_loans(
        self,
        info: Info,
        status: LoanStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Loan]:
        mine = loans.loans_of(actor=info.context.require_actor(), status=status)
        return await visible(info.context.viewer, "Loan", mine)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Loan],
        description="An asset's loans in start order (its owner side and moderators). Errors"
        " (extensions.code): NOT_FOUND (no such asset in your hub), FORBIDDEN (not your"
        " side's).",
    )
    async def asset_loans(
        self,
        info: Info,
        asset_id: strawberry.ID,
        status: LoanStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[Loan]:
        found = await loans.loans_for(
            actor=info.context.require_actor(), asset_id=decode_asset_id(asset_id), status=status
        )
        return await visible(info.context.viewer, "Loan", found)  # type: ignore[return-value]

    @relay.connection(  # type: ignore[misc]
        Page[Loan],
        description="Disputed loans waiting for a moderator, longest waiting first"
        " (moderators): resolve each with resolveLoanDispute.",
    )
    async def disputed_loans(self, info: Info) -> Iterable[Loan]:
        waiting = await loans.disputed(actor=info.context.require_actor())
        return await visible(info.context.viewer, "Loan", waiting)  # type: ignore[return-value]


@strawberry.type
class LendingMutations:
    book_asset = strawberry.mutation(resolver=book_asset)
    confirm_booking = strawberry.mutation(resolver=confirm_booking)
    decline_booking = strawberry.mutation(resolver=decline_booking)
    cancel_booking = strawberry.mutation(resolver=cancel_booking)
    check_in_booking = strawberry.mutation(resolver=check_in_booking)
    check_out_booking = strawberry.mutation(resolver=check_out_booking)
    request_loan = strawberry.mutation(resolver=request_loan)
    approve_loan = strawberry.mutation(resolver=approve_loan)
    decline_loan = strawberry.mutation(resolver=decline_loan)
    cancel_loan = strawberry.mutation(resolver=cancel_loan)
    confirm_loan_handover = strawberry.mutation(resolver=confirm_loan_handover)
    confirm_loan_return = strawberry.mutation(resolver=confirm_loan_return)
    dispute_loan = strawberry.mutation(resolver=dispute_loan)
    resolve_loan_dispute = strawberry.mutation(resolver=resolve_loan_dispute)
