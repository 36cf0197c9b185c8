"""Notifications and saved searches are their member's own."""

from app.matching.models import Notification, SavedSearch
from app.policy import SIGNED_IN, IsViewer, ModulePolicy, mutation, node, on, query

RECIPIENT = IsViewer("member_id", "recipient")
OWNER = IsViewer("member_id", "owner")

POLICY = ModulePolicy(
    types=[
        node(
            "Notification",
            model=Notification,
            see=RECIPIENT,
            public=[
                "id",
                "kind",
                "title",
                "reason",
                "delivery",
                "readAt",
                "createdAt",
                "opportunity",
                "asset",
                "wantedNotice",
            ],
        ),
        node(
            "SavedSearch",
            model=SavedSearch,
            see=OWNER,
            public=["id", "name", "text", "withinKm", "weekdays", "createdAt"],
        ),
    ],
    queries=[
        query("notifications", SIGNED_IN),
        query("mySavedSearches", SIGNED_IN),
        query("unreadNotificationCount", SIGNED_IN),
    ],
    mutations=[
        # Ids of others' notifications are skipped (counted out of `marked`).
        mutation("markNotificationsRead", SIGNED_IN),
        mutation("saveSearch", SIGNED_IN),
        mutation("deleteSavedSearch", SIGNED_IN, on("savedSearchId", "SavedSearch", OWNER)),
    ],
    subscriptions=[query("notificationAdded", SIGNED_IN)],
)
