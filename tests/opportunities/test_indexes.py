"""Each search shape is served by its partial index (EXPLAIN after ANALYZE).

Eight thousand listings spread over Britain, a fifth of them open, in twelve categories, with
an everyday vocabulary in which the searched word is rare (as any one word is in a real hub),
give the planner real statistics. Sequential scans are switched off (on one connection,
inside a transaction) so the plan shows which index the SQL can use. The SQL is exactly what
app.opportunities.search.build produces for the API, with a page's LIMIT/OFFSET.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.opportunities.models import Category, OpportunityKind
from app.opportunities.search import Filters, Sort, build
from tests.opportunities.conftest import MANCHESTER

WORDS = [
    "repair",
    "shopping",
    "walk",
    "tutoring",
    "cooking",
    "driving",
    "litter",
    "garden",
    "painting",
    "reading",
    "lunch",
    "club",
    "lifts",
    "laundry",
    "library",
    "school",
    "park",
    "river",
    "food",
    "bank",
    "sorting",
    "delivery",
    "phone",
    "calls",
    "ramp",
    "bike",
    "computer",
    "forms",
    "letters",
    "visits",
    "choir",
    "football",
    "tea",
    "cakes",
    "cleaning",
    "sewing",
    "knitting",
]
RARE = "befriending"  # in one listing in a hundred
ROWS = 8_000


@dataclass
class Listings:
    hub_id: int
    category_ids: list[int]


@pytest.fixture(scope="module")
async def listings() -> Listings:
    """One hub like a real one: most listings past (closed, expired, filled), a fifth open."""
    from app.hubs import service as hubs
    from tests.helpers import create_person

    suffix = uuid.uuid4().hex[:8]
    hub = await hubs.create_hub(name=f"Index hub {suffix}", slug=f"index-{suffix}")
    poster = await create_person(hub=hub)
    categories = [
        await Category.create(hub_id=hub.id, slug=f"c{n}", name=f"Category {n}") for n in range(12)
    ]
    rng = random.Random(7)
    now = datetime.now(UTC)
    rows = []
    for n in range(ROWS):
        lat, lng = rng.uniform(50.5, 55.5), rng.uniform(-4.5, 1.0)
        cell8 = h3.latlng_to_cell(lat, lng, 8)
        status = "published" if n % 5 == 0 else rng.choice(["closed", "expired", "filled"])
        rows.append(
            [
                hub.id,
                rng.choice(["request", "offer"]),
                status,
                f"{RARE if n % 100 == 3 else rng.choice(WORDS)} {rng.choice(WORDS)} {n}",
                " ".join(rng.choices(WORDS, k=8)),
                rng.choice(categories).id,
                poster.member.id,
                lat,
                lng,
                cell8,
                h3.cell_to_parent(cell8, 6),
                h3.cell_to_parent(cell8, 4),
                now + timedelta(hours=rng.randrange(1, 24 * 60)),
                now - timedelta(minutes=n),
                now + timedelta(days=30),
            ]
        )
    conn = Tortoise.get_connection("default")
    await conn.execute_many(
        "INSERT INTO opportunity (hub_id, kind, status, title, description, category_id,"
        " poster_id, lat, lng, cell8, cell6, cell4, starts_at, published_at, expires_at,"
        " created_at, updated_at, remote, address, contact_details, area_name, recurrence,"
        " places, accepted_count, required_checks, urgency, auto_accept)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now(), now(),"
        " false, '', '', '', '', 1, 0, '[]', 'normal', false)",
        rows,
    )
    await conn.execute_query("ANALYZE opportunity")
    return Listings(hub_id=hub.id, category_ids=[c.id for c in categories])


class _Explained(Exception):
    """Carries the plan out of the transaction, which it rolls back."""


async def plan(listings: Listings, filters: Filters, sort: Sort) -> str:
    """The plan with the statistics of an installation serving one hub (as a city's does): the
    worker's database holds hundreds of small test hubs by now, and with the hub as a generic
    parameter the planner would price "this hub's rows" at a handful and take any index led by
    hub_id. The statistics are changed and read in one transaction, then rolled back."""
    sql, params = build(listings.hub_id, filters, sort)
    try:
        async with in_transaction() as conn:
            await conn.execute_query("SET LOCAL enable_seqscan = off")
            await conn.execute_query(
                "ALTER TABLE opportunity ALTER COLUMN hub_id SET (n_distinct = 1)"
            )
            await conn.execute_query("ANALYZE opportunity")
            rows = await conn.execute_query_dict(f"EXPLAIN {sql} LIMIT 21 OFFSET 0", params)
            raise _Explained("\n".join(r["QUERY PLAN"] for r in rows))
    except _Explained as explained:
        return str(explained)


# The radius searches may take either index on (hub_id, cellN) of open listings: the search's
# own (opportunity_open_cellN) or the feed's (migrations/0024: the same key, more INCLUDEd
# columns); with the hub an InitPlan (search.build) PostgreSQL may price either lower.
CELL8 = ("opportunity_open_cell8", "opportunity_feed_cell8")
CELL6 = ("opportunity_open_cell6", "opportunity_feed_cell6")

CASES = [
    ("newest feed", lambda c: Filters(), Sort.NEWEST, "opportunity_open_newest"),
    (
        "newest of a kind",
        lambda c: Filters(kind=OpportunityKind.OFFER),
        Sort.NEWEST,
        "opportunity_open_newest",
    ),
    ("text", lambda c: Filters(text="befriending"), Sort.RELEVANCE, "opportunity_open_search"),
    (
        "text phrase and exclusion",
        lambda c: Filters(text='"befriending walk" -lunch'),
        Sort.RELEVANCE,
        "opportunity_open_search",
    ),
    ("text, newest", lambda c: Filters(text="befriending"), Sort.NEWEST, "opportunity_open_search"),
    (
        "category",
        lambda c: Filters(category_ids=c[:1]),
        Sort.NEWEST,
        "opportunity_open_category",
    ),
    (
        "within 3 km",
        lambda c: Filters(near=MANCHESTER, within_km=3),
        Sort.NEAREST,
        CELL8,
    ),
    (
        "within 3 km, newest",
        lambda c: Filters(near=MANCHESTER, within_km=3),
        Sort.NEWEST,
        CELL8,
    ),
    (
        "within 50 km",
        lambda c: Filters(near=MANCHESTER, within_km=50),
        Sort.NEAREST,
        CELL6,
    ),
    ("soonest", lambda c: Filters(), Sort.SOONEST, "opportunity_open_soonest"),
]


@pytest.mark.parametrize(("name", "filters", "sort", "index"), CASES, ids=[c[0] for c in CASES])
async def test_search_shape_uses_its_index(
    listings: Listings, name: str, filters: Any, sort: Sort, index: str | tuple[str, ...]
) -> None:
    # given: the listings above; when
    explained = await plan(listings, filters(listings.category_ids), sort)
    # then
    names = (index,) if isinstance(index, str) else index
    assert any(n in explained for n in names), explained
