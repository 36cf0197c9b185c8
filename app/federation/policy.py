"""Who may see and change links between hubs, and pay across them."""

from app.federation.models import HubLink
from app.people.models import Role
from app.policy import SIGNED_IN, HasRole, ModulePolicy, mutation, node, query, value

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
    ],
    queries=[query("hubLinks", HUB_ADMIN)],
    mutations=[
        mutation("proposeHubLink", HUB_ADMIN),
        mutation("acceptHubLink", HUB_ADMIN),
        mutation("declineHubLink", HUB_ADMIN),
        mutation("setHubLinkPaused", HUB_ADMIN),
        mutation("setHubLinkCreditLimit", HUB_ADMIN),
        mutation("payPartnerMember", SIGNED_IN),
        mutation("creditPartnerVolunteer", HUB_ADMIN),
    ],
)
