"""Who may see opportunities and applications, and run their mutations."""

from typing import Any

from app.moderation.models import Target
from app.moderation.visibility import MODERATING, not_hidden
from app.opportunities.models import (
    Application,
    ApplicationStatus,
    Category,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from app.organisations.policy import people_of
from app.people.models import Role
from app.policy import (
    ANYONE,
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

# The poster, or anyone (owner, admin, staff) of the posting organisation.
MANAGES = IsViewer("poster_id", "poster") | people_of("organisation_id")


def _accepted(viewer: Viewer) -> dict[str, Any] | None:
    if viewer.member_id is None:
        return None
    return {"applicant_id": viewer.member_id, "status": ApplicationStatus.ACCEPTED}


ACCEPTED = Linked("accepted", "id", Application, "opportunity_id", _accepted)
# Managers and accepted applicants: they may see the exact place and contact details.
PARTICIPATES = MANAGES | ACCEPTED
# Who receives the help an opportunity gives (and verifies the hours given): for a request,
# its poster's side; for an offer, the accepted applicants (app.portfolios.engagement).
RECEIVING_SIDE = (state("request", "kind", {OpportunityKind.REQUEST}) & MANAGES) | (
    state("offer", "kind", {OpportunityKind.OFFER}) & ACCEPTED
)
NOT_DRAFT = state("not_draft", "status", set(OpportunityStatus) - {OpportunityStatus.DRAFT})
APPLICANT = IsViewer("applicant_id", "applicant")
APPLICATION_MANAGERS = Through("opportunity", Opportunity, MANAGES)
# Hub admins read the applications their webhooks tell them about (application.accepted,
# application.declined), all but the applicant's message to the poster.
HUB_ADMIN = HasRole(Role.HUB_ADMIN)

POLICY = ModulePolicy(
    types=[
        node(
            "Opportunity",
            model=Opportunity,
            # Hidden by moderators (or paused while its poster is suspended): its poster's
            # side and moderators still see it.
            see=(NOT_DRAFT & (not_hidden(Target.OPPORTUNITY) | MODERATING)) | MANAGES,
            public=[
                "id",
                "kind",
                "status",
                "title",
                "description",
                "remote",
                "areaName",
                "startsAt",
                "endsAt",
                "recurrence",
                "places",
                "acceptedCount",
                "requiredChecks",
                "minAge",
                "urgency",
                "autoAccept",
                "publishedAt",
                "expiresAt",
                "createdAt",
                "distanceKm",
                "placesLeft",
                "areaCell",
                "category",
                "skills",
                "poster",
                "organisation",
                "viewerCanManage",
                "viewerApplication",
            ],
            fields={
                "location": PARTICIPATES,
                "address": PARTICIPATES,
                "contactDetails": PARTICIPATES,
                "applications": MANAGES,
                "hoursToVerify": RECEIVING_SIDE,
            },
            deny_with_error=["applications", "hoursToVerify"],
        ),
        node(
            "Application",
            model=Application,
            see=APPLICANT | APPLICATION_MANAGERS | HUB_ADMIN,
            public=[
                "id",
                "status",
                "createdAt",
                "decidedAt",
                "applicant",
                "opportunity",
            ],
            fields={"message": APPLICANT | APPLICATION_MANAGERS},
            masks={"message": ""},
        ),
        node("Category", model=Category, see=ANYONE, public=["id", "slug", "name"]),
        value("GeoPoint", "part of Opportunity.location"),
    ],
    queries=[
        query("opportunities", ANYONE),
        query("recommendedOpportunities", SIGNED_IN),
        query("myOpportunities", SIGNED_IN),
        query("myApplications", SIGNED_IN_OR_GUEST, guests=True),
        query("categories", ANYONE),
    ],
    mutations=[
        mutation("createCategory", HasRole(Role.HUB_ADMIN)),
        mutation("updateCategory", HasRole(Role.HUB_ADMIN)),
        mutation("createOpportunity", SIGNED_IN),
        mutation("updateOpportunity", SIGNED_IN, on("opportunityId", "Opportunity", MANAGES)),
        mutation("publishOpportunity", SIGNED_IN, on("opportunityId", "Opportunity", MANAGES)),
        mutation("closeOpportunity", SIGNED_IN, on("opportunityId", "Opportunity", MANAGES)),
        mutation("cancelOpportunity", SIGNED_IN, on("opportunityId", "Opportunity", MANAGES)),
        mutation("renewOpportunity", SIGNED_IN, on("opportunityId", "Opportunity", MANAGES)),
        mutation("applyToOpportunity", SIGNED_IN),
        mutation(
            "acceptApplication",
            SIGNED_IN,
            on("applicationId", "Application", APPLICATION_MANAGERS),
        ),
        mutation(
            "declineApplication",
            SIGNED_IN,
            on("applicationId", "Application", APPLICATION_MANAGERS),
        ),
        mutation(
            "waitlistApplication",
            SIGNED_IN,
            on("applicationId", "Application", APPLICATION_MANAGERS),
        ),
        # A guest (app/federation/guests.py) applies from their own hub; here they may withdraw.
        mutation(
            "withdrawApplication",
            SIGNED_IN_OR_GUEST,
            on("applicationId", "Application", APPLICANT),
            guests=True,
        ),
    ],
)
