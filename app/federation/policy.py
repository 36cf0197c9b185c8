"""Who may see and change links between hubs, and pay across them; what a partner hub's
members may see of this hub's opportunities, and what a guest may do here."""

from typing import Any

from app.federation.errors import FederationErrorCode as E
from app.federation.models import HubLink, LinkStatus
from app.opportunities.models import OpportunityStatus
from app.people.models import Role
from app.policy import ANYONE, SIGNED_IN, HasRole, ModulePolicy, mutation, node, query, value

HUB_ADMIN = HasRole(Role.HUB_ADMIN)

# PARTNER_VISIBLE: a partner hub's opportunity `o` (category `c`) that members of the hub of
# link row `l` may see, `t` being the partner's row of the same link: the link is ACTIVE on
# both sides, carries the category (no categories: any), and the opportunity is published and
# not hidden by the partner's moderators. The same rule twice, as SQL (partnerOpportunities,
# one statement) and in Python (`partner_refusal`, applying as a guest, with the refusal's
# code); tests/federation/test_guests.py checks that they agree.
PARTNER_VISIBLE_SQL = """(
  l.status = 'active' AND t.status = 'active' AND o.status = 'published'
  AND (jsonb_array_length(l.allowed_categories) = 0 OR l.allowed_categories ? c.slug)
  AND (jsonb_array_length(t.allowed_categories) = 0 OR t.allowed_categories ? c.slug)
  AND NOT EXISTS (SELECT 1 FROM moderation_hidden x WHERE x.hub_id = o.hub_id
                   AND x.target = 'opportunity' AND x.object_id = o.id))"""


def partner_refusal(
    mine: HubLink | None, theirs: HubLink | None, opportunity: Any, category: str, *, hidden: bool
) -> E | None:
    """Why a member of `mine.hub` may not see (nor apply to) the partner's `opportunity` of
    `category`; None: they may. PARTNER_VISIBLE in Python."""
    if mine is None or theirs is None or LinkStatus.DECLINED in (mine.status, theirs.status):
        return E.NO_LINK
    if mine.status != LinkStatus.ACTIVE or theirs.status != LinkStatus.ACTIVE:
        return E.LINK_NOT_ACTIVE
    if opportunity.status != OpportunityStatus.PUBLISHED or hidden:
        return E.NOT_FOUND
    return category_refusal(mine, theirs, category)


def category_refusal(mine: HubLink, theirs: HubLink, category: str) -> E | None:
    """CATEGORY_NOT_ALLOWED when either side of the link limits its categories and this is not
    one of them (applying to a partner's opportunity, and earning for it)."""
    for row in (mine, theirs):
        if row.allowed_categories and category not in row.allowed_categories:
            return E.CATEGORY_NOT_ALLOWED
    return None


POLICY = ModulePolicy(
    types=[
        # A hub's side of a link: its admins only (the node loader keeps it to their hub).
        node(
            "HubLink",
            model=HubLink,
            see=HUB_ADMIN,
            public=[
                "id",
                "partnerName",
                "partnerSlug",
                "status",
                "rateNumerator",
                "rateDenominator",
                "creditLimit",
                "allowedCategories",
                "clearingBalance",
                "createdAt",
                "decidedAt",
            ],
        ),
        value("CrossHubPayment", "a Transfer's other hub, seen with the transfer"),
        value(
            "PartnerOpportunity",
            "partnerOpportunities lists only rows PARTNER_VISIBLE to the viewer's hub",
        ),
        value("GuestSession", "enterPartnerHub answers the member's own guest session"),
        value("GuestApplication", "applyToPartnerOpportunity answers the applicant's own"),
        # One person's linked accounts: accountLinks lists only the viewer's own (the service
        # selects by the actor's account), so no other member ever sees them.
        value("AccountLink", "accountLinks lists the viewer's own links only"),
    ],
    queries=[
        query("hubLinks", HUB_ADMIN),
        query("accountLinks", SIGNED_IN),
        # Rows: PARTNER_VISIBLE (above), in the service's one statement.
        query("partnerOpportunities", SIGNED_IN),
    ],
    mutations=[
        mutation("proposeHubLink", HUB_ADMIN),
        mutation("acceptHubLink", HUB_ADMIN),
        mutation("declineHubLink", HUB_ADMIN),
        mutation("setHubLinkPaused", HUB_ADMIN),
        mutation("setHubLinkCreditLimit", HUB_ADMIN),
        mutation("payPartnerMember", SIGNED_IN),
        mutation("creditPartnerVolunteer", HUB_ADMIN),
        # Linked accounts: asked signed in (the service takes the actor's own account),
        # confirmed by the emailed token or signed in as the other account, removed by either.
        mutation("requestAccountLink", SIGNED_IN),
        mutation("confirmAccountLink", ANYONE),
        mutation("removeAccountLink", SIGNED_IN),
        # Guests: applied to and entered from the member's own hub (the service refuses a
        # guest); the partner opportunity must be PARTNER_VISIBLE.
        mutation("applyToPartnerOpportunity", SIGNED_IN),
        mutation("enterPartnerHub", SIGNED_IN),
        # Links with hubs on other installations (keys exchanged by the two admins).
        mutation("connectRemoteHubLink", HUB_ADMIN),
        mutation("completeRemoteHubLink", HUB_ADMIN),
    ],
)
