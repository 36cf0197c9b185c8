"""Who may see giveaway requests and off-site shares, read their lists, and run the giveaway,
off-site share and moderation mutations (app/assets/giveaways.py, offsite.py, moderation.py).

A giveaway request has two sides: the asset's owner side (the policy's MANAGES, read through
the request's asset) and the requester's side (the requester, or the people of the
organisation they asked for). Each requester sees only their own requests; the owner side
sees every request for its asset. A share recorded off the site has the owner side that
recorded it and the receiving side (the named member, or the people of the named
organisation). Moderators see both, as they see every asset. Hub admins read the giveaway
requests their webhooks announce (giveaway.rehomed), all but the message to the owner side.
"""

from app.assets.models import Asset
from app.assets.policy import MANAGES, MODERATOR, REVIEWERS
from app.assets.sharing_models import GiveawayRequest, OffSiteShare
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

OWNER_SIDE: Rule = Through("asset", Asset, MANAGES)
REQUESTER_SIDE: Rule = IsViewer("requester_id", "requester") | people_of(
    "requester_organisation_id"
)
RECEIVER_SIDE: Rule = IsViewer("receiver_member_id", "receiver") | people_of(
    "receiver_organisation_id"
)
HUB_ADMIN = HasRole(Role.HUB_ADMIN)
# Who reads the requests for an asset (to choose among them).
REQUEST_READERS: Rule = MANAGES | MODERATOR

POLICY = ModulePolicy(
    types=[
        node(
            "GiveawayRequest",
            model=GiveawayRequest,
            see=REQUESTER_SIDE | OWNER_SIDE | MODERATOR | HUB_ADMIN,
            public=[
                "id",
                "status",
                "quantity",
                "createdAt",
                "decidedAt",
                "ownerConfirmedAt",
                "receiverConfirmedAt",
                "handedOverAt",
                "asset",
                "requester",
                "requesterOrganisation",
            ],
            fields={"message": REQUESTER_SIDE | OWNER_SIDE | MODERATOR},
            masks={"message": ""},
        ),
        node(
            "OffSiteShare",
            model=OffSiteShare,
            see=RECEIVER_SIDE | OWNER_SIDE | MODERATOR,
            public=[
                "id",
                "kind",
                "status",
                "quantity",
                "occurredOn",
                "note",
                "createdAt",
                "answeredAt",
                "asset",
                "recordedBy",
                "receiverMember",
                "receiverOrganisation",
            ],
        ),
    ],
    queries=[
        query("giveawayRequests", SIGNED_IN, on("assetId", "Asset", REQUEST_READERS)),
        query("myGiveawayRequests", SIGNED_IN),
        query("offSiteShares", SIGNED_IN),
        query("heldAssets", REVIEWERS),
    ],
    mutations=[
        mutation("requestGiveaway", SIGNED_IN),
        mutation(
            "chooseGiveawayRequest",
            SIGNED_IN,
            on("giveawayRequestId", "GiveawayRequest", OWNER_SIDE),
        ),
        mutation(
            "declineGiveawayRequest",
            SIGNED_IN,
            on("giveawayRequestId", "GiveawayRequest", OWNER_SIDE),
        ),
        mutation(
            "withdrawGiveawayRequest",
            SIGNED_IN,
            on("giveawayRequestId", "GiveawayRequest", REQUESTER_SIDE),
        ),
        mutation(
            "confirmGiveawayHandover",
            SIGNED_IN,
            on("giveawayRequestId", "GiveawayRequest", OWNER_SIDE | REQUESTER_SIDE),
        ),
        mutation("recordOffSiteShare", SIGNED_IN, on("assetId", "Asset", MANAGES)),
        mutation(
            "confirmOffSiteShare", SIGNED_IN, on("offSiteShareId", "OffSiteShare", RECEIVER_SIDE)
        ),
        mutation(
            "declineOffSiteShare", SIGNED_IN, on("offSiteShareId", "OffSiteShare", RECEIVER_SIDE)
        ),
        mutation("approveAsset", REVIEWERS),
        mutation("rejectAsset", REVIEWERS),
    ],
)
