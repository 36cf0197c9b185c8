"""What city data counts: each metric's meaning, its dimension and its amount (the data
dictionary served with every CSV and by `cityDataDictionary`).

Each metric is computed into base cells (app/citydata/refresh.py): one per hub, H3 cell of
resolution 7 (BASE_RESOLUTION), local week and dimension value, with the number of distinct
people behind it. Flows are dated (the week they happened); stocks (`stock=True`) are counted
at the refresh and answer for "now", whatever the period asked.
"""

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    DEMAND = "demand"
    SUPPLY = "supply"
    CREDITS = "credits"
    ASSETS = "assets"
    TRIALS = "trials"
    CIVIC = "civic"  # problem reports and ideas (issue 23)
    ENVIRONMENT = "environment"  # citizen sensors' readings (issue 23)


class Metric(StrEnum):
    REQUESTS_POSTED = "requests_posted"
    URGENT_REQUESTS = "urgent_requests"
    REQUESTS_UNFILLED = "requests_unfilled"
    REQUESTS_FILLED = "requests_filled"
    SKILL_REQUESTS = "skill_requests"
    OFFERS_POSTED = "offers_posted"
    SKILL_VOLUNTEERS = "skill_volunteers"
    HOURS_GIVEN = "hours_given"
    CREDITS_EARNED = "credits_earned"
    CREDITS_SPENT = "credits_spent"
    ASSETS_USED = "assets_used"
    TRIALS_RUN = "trials_run"
    PROBLEMS_REPORTED = "problems_reported"
    PROBLEMS_FIXED = "problems_fixed"
    IDEAS_POSTED = "ideas_posted"
    IDEA_SUPPORTS = "idea_supports"
    ENVIRONMENT = "environment"


@dataclass(frozen=True)
class MetricInfo:
    metric: Metric
    side: Side
    meaning: str
    count: str  # what `count` counts
    amount: str | None  # what `amount` sums (None: always 0)
    dimension: str  # what the dimension value is
    area: str  # which place puts it in an area
    people: str  # whose distinct number k is tested against
    stock: bool = False


BASE_RESOLUTION = 7  # ~5 km² cells: the coarse place anyone may see (app/opportunities/geo.py)
STOCK_WEEK = "1970-01-05"  # the week column of stock metrics (never served)
STOCK_PERIOD = "now"  # the period of stock metrics in CSV and JSON

DICTIONARY: dict[Metric, MetricInfo] = {
    i.metric: i
    for i in (
        MetricInfo(
            Metric.REQUESTS_POSTED, Side.DEMAND, "Requests for help published.",
            "requests", None, "the request's category (slug)", "the request's place",
            "posters",
        ),
        MetricInfo(
            Metric.URGENT_REQUESTS, Side.DEMAND, "Requests for help published as urgent.",
            "requests", None, "category (slug)", "the request's place", "posters",
        ),
        MetricInfo(
            Metric.REQUESTS_UNFILLED, Side.DEMAND,
            "Requests (not cancelled) with places still unfilled at the refresh, by the week"
            " they were published.",
            "requests", "places unfilled", "category (slug)", "the request's place", "posters",
        ),
        MetricInfo(
            Metric.REQUESTS_FILLED, Side.DEMAND,
            "Requests whose places are all filled, by the week they were published; time to"
            " fill is amount / count.",
            "requests", "minutes from publication to the last acceptance (sum)",
            "category (slug)", "the request's place", "posters",
        ),
        MetricInfo(
            Metric.SKILL_REQUESTS, Side.DEMAND,
            "Requests for help asking for a skill (a request asking for two counts under each).",
            "requests", None, "the skill (slug)", "the request's place", "posters",
        ),
        MetricInfo(
            Metric.OFFERS_POSTED, Side.SUPPLY, "Offers of help published.",
            "offers", None, "category (slug)", "the offer's place", "posters",
        ),
        MetricInfo(
            Metric.SKILL_VOLUNTEERS, Side.SUPPLY,
            "Active members holding a skill whose home is in the area, at the refresh"
            " (a stock: the same for every period).",
            "volunteers", None, "the skill (slug)", "the member's home cell", "volunteers",
            stock=True,
        ),
        MetricInfo(
            Metric.HOURS_GIVEN, Side.SUPPLY, "Verified volunteering hours, by the day worked.",
            "hour records", "minutes", "category (slug) of the opportunity",
            "the opportunity's place", "volunteers",
        ),
        MetricInfo(
            Metric.CREDITS_EARNED, Side.CREDITS, "Credits earned (posted), by members.",
            "transfers", "credits (the hub's smallest unit)", "the transfer's category ('hours'"
            " when none)", "the earner's home cell", "earners",
        ),
        MetricInfo(
            Metric.CREDITS_SPENT, Side.CREDITS,
            "Credits spent (posted) by members, and where: exchanges with members, vouchers of"
            " businesses, rentals of shared assets, pledges to campaigns.",
            "transfers", "credits (the hub's smallest unit)",
            "what on and to whom: '<kind>:<receiving account>' (e.g. voucher:organisation)",
            "the spender's home cell", "spenders",
        ),
        MetricInfo(
            Metric.ASSETS_USED, Side.ASSETS,
            "Shared assets used: loans handed over and bookings checked in.",
            "assets", "uses (loans and bookings)", "the asset's category (slug)",
            "the asset's place", "borrowers and bookers",
        ),
        MetricInfo(
            Metric.TRIALS_RUN, Side.TRIALS,
            "Product trials opened, by the week they opened; hub-wide (a trial has no area).",
            "trials", "reports", "none", "none (hub-wide only)", "testers who reported",
        ),
        MetricInfo(
            Metric.PROBLEMS_REPORTED, Side.CIVIC,
            "Problems residents reported (FixMyStreet, also over Open311), by the week reported.",
            "reports", "\"me too\"s added to them", "the problem's category (slug)",
            "the problem's place", "reporters",
        ),
        MetricInfo(
            Metric.PROBLEMS_FIXED, Side.CIVIC,
            "Reported problems marked fixed, by the week reported; time to fix is amount / count.",
            "reports", "minutes from the report to its fix (sum)",
            "the problem's category (slug)", "the problem's place", "reporters",
        ),
        MetricInfo(
            Metric.IDEAS_POSTED, Side.CIVIC,
            "Ideas members proposed for their area, by the week posted.",
            "ideas", "supporters (at the refresh)",
            "the council's answer: accepted, partly, rejected, referred or unanswered",
            "the idea's area", "authors",
        ),
        MetricInfo(
            Metric.IDEA_SUPPORTS, Side.CIVIC, "Supports given to ideas, by the week given.",
            "supports", None, "none", "the idea's area", "supporters",
        ),
        MetricInfo(
            Metric.ENVIRONMENT, Side.ENVIRONMENT,
            "Citizen sensors' readings, by the week measured; the mean is amount / count in"
            " tenths (dB(A), µg/m³, °C, % relative humidity).",
            "readings", "the readings' values in tenths (sum)",
            "the measurement: noise_db, pm25, pm10, temperature, humidity",
            "the reading's cell (never the device's place)",
            "the devices' distinct owners (members or organisations)",
        ),
    )
}  # fmt: skip

DEMAND = (Metric.REQUESTS_POSTED, Metric.REQUESTS_UNFILLED)
SUPPLY = (Metric.OFFERS_POSTED, Metric.SKILL_VOLUNTEERS)

# The columns of every answer (CSV header and dashboard JSON), with their meaning.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("metric", "The metric (see the metrics below)."),
    ("area", "The area: an H3 cell at the asked resolution, a ward's code, or 'hub'."),
    ("period", "The first day of the week (Monday, hub's local time) or month; 'now' for"
     " stocks counted at the refresh."),
    ("dimension", "The metric's dimension value (category, skill, where spent) or 'all'."),
    ("count", "What the metric counts, summed over the base cells shown; empty when"
     " suppressed."),
    ("amount", "What the metric sums (minutes, credits, uses), over the base cells shown."),
    ("mean", "amount / count (e.g. minutes to fill a request); empty when count is 0."),
    ("suppressed", "true when every base cell of the row has fewer than k distinct people:"
     " count and amount are withheld."),
    ("withheld_cells", "How many base cells (H3 resolution 7 x week x dimension value) of the"
     " row have fewer than k distinct people and are left out of count and amount."),
)  # fmt: skip
