"""Who may hold, see and manage calendar feeds (app/assets/feeds.py).

A feed is its holder's alone: the member who made it sees it (`myCalendarFeeds`, `node`),
rotates and revokes it. Anyone signed in may make a feed of their own commitments; an asset's
feed only its owner side (MANAGES, checked by the service when it is made and again at every
read of the URL). The URL itself is the secret: whoever has it reads the calendar, so feeds
carry no private details beyond what the holder may see.
"""

from app.assets.sharing_models import CalendarFeed
from app.policy import SIGNED_IN, IsViewer, ModulePolicy, Rule, mutation, node, on, query

HOLDER: Rule = IsViewer("member_id", "feed_holder")

POLICY = ModulePolicy(
    types=[
        node(
            "CalendarFeed",
            model=CalendarFeed,
            see=HOLDER,
            public=["id", "kind", "asset", "active", "createdAt", "revokedAt", "lastReadAt"],
        ),
    ],
    queries=[query("myCalendarFeeds", SIGNED_IN)],
    mutations=[
        mutation("createCalendarFeed", SIGNED_IN),
        mutation("rotateCalendarFeed", SIGNED_IN, on("calendarFeedId", "CalendarFeed", HOLDER)),
        mutation("revokeCalendarFeed", SIGNED_IN, on("calendarFeedId", "CalendarFeed", HOLDER)),
    ],
)
