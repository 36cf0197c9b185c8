"""Who may see and change links between hubs, and pay across them."""

from app.federation.models import HubLink
from app.people.models import Role
from app.policy import ANYONE, SIGNED_IN, HasRole, ModulePolicy, mutation, node, query, value

HUB_ADMIN = HasRole(Role.HUB_ADMIN)

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
        # One person's linked accounts: accountLinks lists only the viewer's own (the service
        # selects by the actor's account), so no other member ever sees them.
        value("AccountLink", "accountLinks lists the viewer's own links only"),
    ],
    queries=[query("hubLinks", HUB_ADMIN), query("accountLinks", SIGNED_IN)],
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
        # Links with hubs on other installations (keys exchanged by the two admins).
        mutation("connectRemoteHubLink", HUB_ADMIN),
        mutation("completeRemoteHubLink", HUB_ADMIN),
    ],
)
