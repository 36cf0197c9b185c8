"""Who may see hours records, reviews and portfolios, and run their mutations.

An engagement (an accepted application) has a volunteer and a receiving side: for a REQUEST
the applicant volunteers and the poster's side receives; for an OFFER the poster volunteers
and the applicant receives (app.portfolios.engagement).
"""

from typing import Any

from app.moderation.models import Target
from app.moderation.visibility import not_hidden
from app.opportunities.models import Application, Opportunity, OpportunityKind
from app.opportunities.policy import APPLICANT
from app.organisations.policy import people_of
from app.people.models import Role
from app.policy import (
    SIGNED_IN,
    SIGNED_IN_OR_GUEST,
    HasRole,
    IsViewer,
    Linked,
    ModulePolicy,
    Through,
    Viewer,
    mutation,
    node,
    on,
    query,
    state,
    value,
)
from app.portfolios.models import HoursRecord, HoursStatus, PortfolioSettings, Review

REQUEST = state("request", "kind", {OpportunityKind.REQUEST})
OFFER = state("offer", "kind", {OpportunityKind.OFFER})
POSTER = IsViewer("poster_id", "poster")
# On an opportunity: who receives the help it gives.
RECEIVES = REQUEST & (POSTER | people_of("organisation_id"))
# On an application: the engagement's volunteer, and its receiving side.
VOLUNTEER_OF = (APPLICANT & Through("opportunity", Opportunity, REQUEST)) | Through(
    "opportunity", Opportunity, OFFER & POSTER
)
RECEIVER_OF = (APPLICANT & Through("opportunity", Opportunity, OFFER)) | Through(
    "opportunity", Opportunity, RECEIVES
)
PARTY_OF = VOLUNTEER_OF | RECEIVER_OF

# On an hours record.
VOLUNTEER = IsViewer("volunteer_id", "volunteer")
RECEIVER = Through("application", Application, RECEIVER_OF)
PARTY = VOLUNTEER | RECEIVER


def _public(viewer: Viewer) -> dict[str, Any]:
    return {"public": True}


def public_portfolio(field: str) -> Linked:
    """The member in the row's `field` made their portfolio public."""
    return Linked("public_portfolio", field, PortfolioSettings, "member_id", _public)


VERIFIED = state("verified", "status", {HoursStatus.VERIFIED})
# On a member: who may read their portfolio (themself, or anyone in the hub once public).
PORTFOLIO_READERS = IsViewer("id") | public_portfolio("id")
MODERATORS = HasRole(Role.MODERATOR, Role.HUB_ADMIN)

POLICY = ModulePolicy(
    types=[
        node(
            "HoursRecord",
            model=HoursRecord,
            see=PARTY | MODERATORS | (VERIFIED & public_portfolio("volunteer_id")),
            public=[
                "id",
                "workedOn",
                "minutes",
                "status",
                "reviewedAt",
                "createdAt",
                "volunteer",
                "opportunity",
            ],
            fields={
                "note": PARTY | MODERATORS,
                "disputeReason": PARTY | MODERATORS,
                "resolutionNote": PARTY | MODERATORS,
            },
            masks={"note": "", "disputeReason": "", "resolutionNote": ""},
        ),
        node(
            "Review",
            model=Review,
            # Reviews are public in the hub, like the ratings they make up.
            see=not_hidden(Target.REVIEW) | IsViewer("author_id", "author") | MODERATORS,
            public=["id", "rating", "comment", "createdAt", "updatedAt", "author", "subject"],
        ),
        value("Portfolio", "the portfolio query decides whose (own, or public)"),
        value("HoursBreakdown", "part of Portfolio"),
        # The verified hours of the member's linked accounts in other hubs (by hub): shown
        # wherever the portfolio is (the person proved both accounts and linked them).
        value("HubHours", "part of Portfolio"),
        value("RatingSummary", "part of Portfolio"),
    ],
    queries=[
        # A member's portfolio (memberId; none: your own): the service refuses the others with
        # PRIVATE, and a member of no hub of yours with NOT_FOUND.
        query("portfolio", SIGNED_IN, on("memberId", "Member", PORTFOLIO_READERS)),
        query("myHours", SIGNED_IN_OR_GUEST, guests=True),
        query("disputedHours", MODERATORS),
        # Pending records the viewer may verify: the RECEIVER rule as SQL (hours.to_verify).
        query("hoursToVerify", SIGNED_IN),
        query("hoursToVerifyCount", SIGNED_IN),
    ],
    mutations=[
        mutation(
            "logHours",
            SIGNED_IN_OR_GUEST,
            on("applicationId", "Application", VOLUNTEER_OF),
            guests=True,
        ),
        mutation("verifyHours", SIGNED_IN, on("hoursRecordId", "HoursRecord", RECEIVER)),
        mutation("disputeHours", SIGNED_IN, on("hoursRecordId", "HoursRecord", RECEIVER)),
        mutation("resolveHoursDispute", MODERATORS),
        mutation("writeReview", SIGNED_IN, on("applicationId", "Application", PARTY_OF)),
        mutation(
            "editReview", SIGNED_IN, on("reviewId", "Review", IsViewer("author_id", "author"))
        ),
        mutation("setPortfolioVisibility", SIGNED_IN),
        mutation("rotatePortfolioShareLink", SIGNED_IN),
    ],
)
