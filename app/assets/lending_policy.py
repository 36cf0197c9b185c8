"""Who may see bookings and loans, read their lists, and run their mutations
(app/assets/bookings.py, app/assets/loans.py).

A booking has two sides: the asset's owner side (the policy's MANAGES, read through the
booking's asset) and the booker's side (the booker, or the people of the organisation they
booked for). A loan likewise: the owner side and the borrower's side. Each side sees its own;
moderators see them all (they settle loan disputes), and hub admins read the bookings and
loans their webhooks announce (booking.confirmed, loan.overdue), all but the messages and
notes the two sides wrote to each other.
"""

from app.assets.models import Asset
from app.assets.policy import MANAGES, MODERATOR
from app.assets.sharing_models import Booking, Loan
from app.organisations.policy import people_of
from app.people.models import Role
from app.policy import (
    SIGNED_IN,
    HasRole,
    IsViewer,
    ModulePolicy,
    Rule,
    Through,
    mutation,
    node,
    on,
    query,
)

HUB_ADMIN = HasRole(Role.HUB_ADMIN)
OWNER_SIDE: Rule = Through("asset", Asset, MANAGES)
BOOKER_SIDE: Rule = IsViewer("booker_id", "booker") | people_of("booker_organisation_id")
BORROWER_SIDE: Rule = IsViewer("borrower_id", "borrower") | people_of("borrower_organisation_id")
BOOKING_PARTIES: Rule = BOOKER_SIDE | OWNER_SIDE
LOAN_PARTIES: Rule = BORROWER_SIDE | OWNER_SIDE
# Who reads the bookings or loans of an asset (its calendar).
CALENDAR_READERS: Rule = MANAGES | MODERATOR

POLICY = ModulePolicy(
    types=[
        node(
            "Booking",
            model=Booking,
            see=BOOKING_PARTIES | MODERATOR | HUB_ADMIN,
            public=[
                "id",
                "status",
                "startsAt",
                "endsAt",
                "priceCredits",
                "createdAt",
                "decidedAt",
                "cancelledAt",
                "checkedInAt",
                "checkedOutAt",
                "asset",
                "booker",
                "bookerOrganisation",
            ],
            fields={
                "message": BOOKING_PARTIES | MODERATOR,
                "cancelReason": BOOKING_PARTIES | MODERATOR,
            },
        ),
        node(
            "Loan",
            model=Loan,
            see=LOAN_PARTIES | MODERATOR | HUB_ADMIN,
            public=[
                "id",
                "status",
                "startsAt",
                "dueAt",
                "priceCredits",
                "depositCredits",
                "createdAt",
                "decidedAt",
                "handoverOwnerConfirmedAt",
                "handoverBorrowerConfirmedAt",
                "handedOverAt",
                "returnOwnerConfirmedAt",
                "returnBorrowerConfirmedAt",
                "returnedAt",
                "returnCondition",
                "disputedAt",
                "resolution",
                "resolvedAt",
                "asset",
                "borrower",
                "borrowerOrganisation",
            ],
            fields={
                "message": LOAN_PARTIES | MODERATOR,
                "returnNote": LOAN_PARTIES | MODERATOR,
                "disputeReason": LOAN_PARTIES | MODERATOR,
                "resolutionNote": LOAN_PARTIES | MODERATOR,
            },
        ),
    ],
    queries=[
        query("myBookings", SIGNED_IN),
        query("assetBookings", SIGNED_IN, on("assetId", "Asset", CALENDAR_READERS)),
        query("myLoans", SIGNED_IN),
        query("assetLoans", SIGNED_IN, on("assetId", "Asset", CALENDAR_READERS)),
        query("disputedLoans", MODERATOR),
    ],
    mutations=[
        mutation("bookAsset", SIGNED_IN),
        mutation("confirmBooking", SIGNED_IN, on("bookingId", "Booking", OWNER_SIDE)),
        mutation("declineBooking", SIGNED_IN, on("bookingId", "Booking", OWNER_SIDE)),
        mutation("cancelBooking", SIGNED_IN, on("bookingId", "Booking", BOOKING_PARTIES)),
        mutation("checkInBooking", SIGNED_IN, on("bookingId", "Booking", BOOKER_SIDE)),
        mutation("checkOutBooking", SIGNED_IN, on("bookingId", "Booking", BOOKING_PARTIES)),
        mutation("requestLoan", SIGNED_IN),
        mutation("approveLoan", SIGNED_IN, on("loanId", "Loan", OWNER_SIDE)),
        mutation("declineLoan", SIGNED_IN, on("loanId", "Loan", OWNER_SIDE)),
        mutation("cancelLoan", SIGNED_IN, on("loanId", "Loan", LOAN_PARTIES)),
        mutation("confirmLoanHandover", SIGNED_IN, on("loanId", "Loan", LOAN_PARTIES)),
        mutation("confirmLoanReturn", SIGNED_IN, on("loanId", "Loan", LOAN_PARTIES)),
        mutation("disputeLoan", SIGNED_IN, on("loanId", "Loan", LOAN_PARTIES)),
        mutation("resolveLoanDispute", MODERATOR),
    ],
)
