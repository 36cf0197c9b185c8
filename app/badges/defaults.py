"""The badges and levels a new hub starts with; its admins add, retire or change them."""

from dataclasses import dataclass

from app.badges.metrics import Metric as M
from app.badges.models import HolderKind


@dataclass(frozen=True)
class DefaultBadge:
    slug: str
    name: str
    description: str
    metric: M
    threshold: int
    points: int
    holder_kind: HolderKind = HolderKind.MEMBER
    colour: str = "#2e7d32"


ORG = HolderKind.ORGANISATION
DEFAULT_BADGES: tuple[DefaultBadge, ...] = (
    DefaultBadge(
        "first-hours", "First hours", "Gave their first verified hour.", M.VERIFIED_HOURS, 1, 10
    ),
    DefaultBadge("ten-hours", "10 hours", "Gave 10 verified hours.", M.VERIFIED_HOURS, 10, 20),
    DefaultBadge(
        "fifty-hours",
        "50 hours",
        "Gave 50 verified hours.",
        M.VERIFIED_HOURS,
        50,
        50,
        colour="#1565c0",
    ),
    DefaultBadge(
        "hundred-hours",
        "100 hours",
        "Gave 100 verified hours.",
        M.VERIFIED_HOURS,
        100,
        100,
        colour="#6a1b9a",
    ),
    DefaultBadge(
        "first-giveaway",
        "First giveaway",
        "Gave an item a new home.",
        M.GIVEAWAYS_COMPLETED,
        1,
        10,
        colour="#2e7d32",
    ),
    DefaultBadge("rehomer", "Rehomer", "Gave 10 items a new home.", M.GIVEAWAYS_COMPLETED, 10, 30),
    DefaultBadge("lender", "Lender", "Lent things 5 times.", M.LOANS_COMPLETED, 5, 20),
    DefaultBadge(
        "waste-saver", "Waste saver", "Kept 100 kg out of landfill.", M.KG_DIVERTED, 100, 40
    ),
    DefaultBadge("host", "Host", "Hosted 10 bookings.", M.BOOKINGS_HOSTED, 10, 20),
    DefaultBadge(
        "campaign-backer",
        "Campaign backer",
        "Backed a campaign that succeeded.",
        M.CAMPAIGNS_BACKED,
        1,
        10,
        colour="#ef6c00",
    ),
    DefaultBadge(
        "well-reviewed", "Well reviewed", "Received 5 reviews.", M.REVIEWS_RECEIVED, 5, 20
    ),
    DefaultBadge(
        "top-rated",
        "Top rated",
        "Rated 4.5 stars or more on average.",
        M.REVIEW_AVERAGE,
        450,
        30,
        colour="#f9a825",
    ),
    DefaultBadge(
        "reliable",
        "Reliable volunteer",
        "Turned up for 90% of accepted places.",
        M.RELIABILITY,
        90,
        40,
    ),
    DefaultBadge(
        "six-month-streak",
        "Six-month streak",
        "Active 6 months in a row.",
        M.ACTIVE_STREAK_MONTHS,
        6,
        40,
    ),
    DefaultBadge(
        "org-first-giveaway",
        "First giveaway (organisation)",
        "The organisation gave an item a new home.",
        M.GIVEAWAYS_COMPLETED,
        1,
        10,
        ORG,
    ),
    DefaultBadge(
        "org-tonne-diverted",
        "A tonne diverted",
        "The organisation kept 1,000 kg out of landfill.",
        M.KG_DIVERTED,
        1000,
        50,
        ORG,
    ),
    DefaultBadge(
        "org-hundred-hours",
        "100 volunteer hours",
        "Volunteers gave 100 verified hours to the organisation.",
        M.VERIFIED_HOURS,
        100,
        50,
        ORG,
    ),
)
DEFAULT_LEVELS: tuple[tuple[str, int], ...] = (
    ("Newcomer", 0),
    ("Helper", 30),
    ("Contributor", 100),
    ("Champion", 250),
    ("Hero", 500),
)
