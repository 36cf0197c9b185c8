"""Who may see assets and WANTED notices, and run their mutations.

The owner side manages an asset: its member owner, the people of its organisation owner, or,
for the hub's own assets, hub admins and asset managers. Its exact place and contact are for
the owner side and accepted counterparts (the chosen requester of a giveaway, a borrower whose
loan is agreed or running, a booker whose booking is confirmed or under way), as Opportunity's
PARTICIPATES. Drafts, held and rejected listings are for the owner side and moderators.
"""

from typing import Any

from app.assets.models import Asset, AssetCategory, AssetStatus, OwnerKind, WantedNotice
from app.assets.models import WantedStatus as W
from app.assets.sharing_models import (
    DATES_HOLDING,
    Booking,
    BookingStatus,
    GiveawayRequest,
    GiveawayRequestStatus,
    Loan,
)
from app.moderation.models import Target
from app.moderation.visibility import not_hidden
from app.organisations.policy import people_of
from app.people.models import Role
from app.policy import (
    ANYONE,
    SIGNED_IN,
    HasRole,
    IsViewer,
    Linked,
    ModulePolicy,
    Rule,
    Viewer,
    mutation,
    node,
    on,
    query,
    state,
    value,
)

MODERATOR = HasRole(Role.MODERATOR)
# Who reviews what the promotions guard held (app/assets/moderation.py): moderators and hub
# admins; hub admins see held and rejected listings, not drafts.
REVIEWERS = HasRole(Role.MODERATOR, Role.HUB_ADMIN)
IN_REVIEW = state("in_review", "status", {AssetStatus.HELD, AssetStatus.REJECTED})
HUB_ASSET_PEOPLE = HasRole(Role.HUB_ADMIN, Role.ASSET_MANAGER)
HUB_OWNED = state("hub_owned", "owner_kind", {OwnerKind.HUB})
MANAGES: Rule = (
    IsViewer("owner_member_id", "asset_owner")
    | people_of("owner_organisation_id")
    | (HUB_OWNED & HUB_ASSET_PEOPLE)
)


def _as(field: str, statuses: Any) -> Any:
    def where(viewer: Viewer) -> dict[str, Any] | None:
        if viewer.member_id is None:
            return None
        return {field: viewer.member_id, "status__in": list(statuses)}

    return where


CHOSEN_REQUESTER = Linked(
    "chosen_requester",
    "id",
    GiveawayRequest,
    "asset_id",
    _as("requester_id", [GiveawayRequestStatus.CHOSEN]),
)
BORROWER = Linked("borrower", "id", Loan, "asset_id", _as("borrower_id", DATES_HOLDING))
BOOKER = Linked(
    "booker",
    "id",
    Booking,
    "asset_id",
    _as("booker_id", [BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN]),
)
# The owner side and accepted counterparts: they may see the exact place and contact.
PARTICIPATES = MANAGES | CHOSEN_REQUESTER | BORROWER | BOOKER
PUBLIC_STATUS = state(
    "public_status", "status", {AssetStatus.LISTED, AssetStatus.REHOMED, AssetStatus.WITHDRAWN}
)

WANTED_MANAGES: Rule = IsViewer("author_id", "author") | people_of("organisation_id")

POLICY = ModulePolicy(
    types=[
        node(
            "Asset",
            model=Asset,
            see=(PUBLIC_STATUS & (not_hidden(Target.ASSET) | REVIEWERS))
            | MANAGES
            | MODERATOR
            | (IN_REVIEW & REVIEWERS),
            public=[
                "id",
                "kind",
                "status",
                "ownerKind",
                "title",
                "description",
                "photos",
                "condition",
                "quantity",
                "weightKg",
                "areaName",
                "areaCell",
                "distanceKm",
                "requiresApproval",
                "openingHours",
                "minMinutes",
                "maxMinutes",
                "noticeMinutes",
                "cancelNoticeMinutes",
                "audience",
                "requiredChecks",
                "priceCredits",
                "depositCredits",
                "listedAt",
                "withdrawnAt",
                "rehomedAt",
                "createdAt",
                "category",
                "ownerMember",
                "ownerOrganisation",
                "viewerCanManage",
            ],
            fields={
                "location": PARTICIPATES,
                "address": PARTICIPATES,
                "contactDetails": PARTICIPATES,
                "heldReason": MANAGES | REVIEWERS,
                "reviewNote": MANAGES | REVIEWERS,
            },
        ),
        node("AssetCategory", model=AssetCategory, see=ANYONE, public=["id", "slug", "name"]),
        node(
            "WantedNotice",
            model=WantedNotice,
            see=state("open", "status", {W.OPEN}) | WANTED_MANAGES | MODERATOR,
            public=[
                "id",
                "status",
                "kind",
                "title",
                "description",
                "areaName",
                "areaCell",
                "withinKm",
                "expiresAt",
                "closedAt",
                "createdAt",
                "category",
                "author",
                "organisation",
                "viewerCanManage",
            ],
            fields={"location": WANTED_MANAGES},
        ),
        value("OpeningHours", "part of Asset.openingHours"),
    ],
    queries=[
        query("assets", ANYONE),
        query("myAssets", SIGNED_IN),
        query("assetCategories", ANYONE),
        query("wantedNotices", ANYONE),
        query("myWantedNotices", SIGNED_IN),
    ],
    mutations=[
        mutation("createAsset", SIGNED_IN),
        mutation("updateAsset", SIGNED_IN, on("assetId", "Asset", MANAGES)),
        mutation("publishAsset", SIGNED_IN, on("assetId", "Asset", MANAGES)),
        mutation("withdrawAsset", SIGNED_IN, on("assetId", "Asset", MANAGES)),
        mutation("createWantedNotice", SIGNED_IN),
        mutation(
            "closeWantedNotice", SIGNED_IN, on("wantedNoticeId", "WantedNotice", WANTED_MANAGES)
        ),
    ],
)
