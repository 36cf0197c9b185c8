"""Who may see campaigns, pledges and group-buy orders, and run the campaign mutations.

Campaigns are public in their hub once opened (drafts: their owner side). A pledge is seen by
anyone while it counts, but who made it only when the backer did not choose to be anonymous,
and how much only by the backer, the campaign's owner side and hub admins. An order, with its
redemption code, is for its buyer and the supplier's people. An in-kind pledge, for its backer
and the campaign's owner side.
"""

from app.campaigns.models import (
    Campaign,
    CampaignStatus,
    GroupBuyOrder,
    InKindPledge,
    Pledge,
    PledgeStatus,
)
from app.moderation.models import Target
from app.moderation.visibility import MODERATING, not_hidden
from app.organisations.policy import HUB_ADMIN, MANAGERS, people_of
from app.policy import (
    ANYONE,
    SIGNED_IN,
    AuditedRead,
    IsViewer,
    ModulePolicy,
    Rule,
    Through,
    mutation,
    node,
    on,
    query,
    state,
    value,
)

OWNER_SIDE: Rule = IsViewer("owner_member_id", "campaign_owner") | people_of(
    "owner_organisation_id", *MANAGERS
)
PUBLIC = state(
    "public_campaign",
    "status",
    {
        CampaignStatus.OPEN,
        CampaignStatus.TIPPED,
        CampaignStatus.SUCCEEDED,
        CampaignStatus.FAILED,
        CampaignStatus.CANCELLED,
    },
)
PLEDGER: Rule = IsViewer("member_id", "pledger") | people_of("organisation_id", *MANAGERS)
NAMED = state("named", "anonymous", {False})
ANONYMOUS = state("anonymous", "anonymous", {True})
COUNTED = state("counted", "status", {PledgeStatus.ACTIVE, PledgeStatus.CAPTURED})
CAMPAIGN_OWNER_SIDE = Through("campaign", Campaign, OWNER_SIDE)
BUYER = IsViewer("member_id", "buyer")
BACKER = IsViewer("member_id", "backer")
SUPPLIER_PEOPLE = people_of("supplier_id")

POLICY = ModulePolicy(
    types=[
        node(
            "Campaign",
            model=Campaign,
            see=(PUBLIC & not_hidden(Target.CAMPAIGN)) | OWNER_SIDE | MODERATING,
            public=[
                "id",
                "kind",
                "status",
                "title",
                "story",
                "deadline",
                "target",
                "unitPrice",
                "tippingUnits",
                "maxUnits",
                "countInKind",
                "createdAt",
                "openedAt",
                "tippedAt",
                "closedAt",
                "settledAt",
                "ownerMember",
                "ownerOrganisation",
                "supplier",
                "progress",
                "backers",
                "updates",
                "matchPots",
                "opportunity",
            ],
        ),
        node(
            "Pledge",
            model=Pledge,
            see=COUNTED | PLEDGER | CAMPAIGN_OWNER_SIDE | HUB_ADMIN,
            public=["id", "status", "anonymous", "createdAt", "campaign", "units"],
            fields={
                "backer": NAMED | PLEDGER | HUB_ADMIN,
                "backerName": NAMED | PLEDGER | HUB_ADMIN,
                "amount": PLEDGER | CAMPAIGN_OWNER_SIDE | HUB_ADMIN,
                "matched": PLEDGER | CAMPAIGN_OWNER_SIDE | HUB_ADMIN,
            },
            # Who stands behind an anonymous pledge is theirs to keep: an admin's look is logged.
            audited={
                "backer": AuditedRead("member_id", HUB_ADMIN & ANONYMOUS),
                "backerName": AuditedRead("member_id", HUB_ADMIN & ANONYMOUS),
            },
        ),
        node(
            "GroupBuyOrder",
            model=GroupBuyOrder,
            see=BUYER | SUPPLIER_PEOPLE | HUB_ADMIN,
            public=[
                "id",
                "status",
                "units",
                "unitPrice",
                "total",
                "createdAt",
                "fulfilledAt",
                "campaign",
                "buyer",
                "supplier",
            ],
            # The code is what the buyer shows at the supplier's counter.
            fields={"code": BUYER | SUPPLIER_PEOPLE},
            deny_with_error=["code"],
        ),
        value("CampaignProgress", "part of a Campaign, seen with it"),
        value("CampaignUpdate", "part of a Campaign, seen with it (public like the campaign)"),
        value("MatchPot", "part of a Campaign: who matches and how, public like the campaign"),
        node(
            "InKindPledge",
            model=InKindPledge,
            see=BACKER | CAMPAIGN_OWNER_SIDE | HUB_ADMIN,
            public=[
                "id",
                "kind",
                "status",
                "minutes",
                "description",
                "value",
                "anonymous",
                "createdAt",
                "campaign",
            ],
        ),
    ],
    queries=[
        query("campaigns", ANYONE),
        query("myPledges", SIGNED_IN),
        query("myOrders", SIGNED_IN),
        query("myInKindPledges", SIGNED_IN),
        # The supplier's people: the service answers FORBIDDEN for anyone else.
        query(
            "supplierOrders",
            SIGNED_IN,
            on("organisationId", "Organisation", people_of("id")),
        ),
    ],
    mutations=[
        mutation("createCampaign", SIGNED_IN),
        mutation("editCampaign", SIGNED_IN, on("campaignId", "Campaign", OWNER_SIDE)),
        mutation("openCampaign", SIGNED_IN, on("campaignId", "Campaign", OWNER_SIDE)),
        mutation("cancelCampaign", SIGNED_IN, on("campaignId", "Campaign", OWNER_SIDE)),
        mutation("postCampaignUpdate", SIGNED_IN, on("campaignId", "Campaign", OWNER_SIDE)),
        mutation("pledgeToCampaign", SIGNED_IN),
        mutation("changePledge", SIGNED_IN, on("pledgeId", "Pledge", PLEDGER)),
        mutation("withdrawPledge", SIGNED_IN, on("pledgeId", "Pledge", PLEDGER)),
        mutation("pledgeInKind", SIGNED_IN),
        mutation("withdrawInKindPledge", SIGNED_IN, on("inKindPledgeId", "InKindPledge", BACKER)),
        mutation(
            "attachMatchPot",
            SIGNED_IN,
            on("funderId", "Organisation", people_of("id", *MANAGERS)),
        ),
        mutation("markOrderFulfilled", SIGNED_IN, on("orderId", "GroupBuyOrder", SUPPLIER_PEOPLE)),
    ],
)
