"""Each asset search shape is served by its partial index (EXPLAIN after ANALYZE), as for
opportunities (tests/opportunities/test_indexes.py): eight thousand assets over Britain, a fifth
listed, in the default categories, with bookings; sequential scans off so that the plan shows
which index the SQL can use. The SQL is what app.assets.search.build produces for the API."""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.assets.models import AssetCategory, AssetKind
from app.assets.search import Filters, Sort, build
from tests.assets.conftest import MANCHESTER
from tests.opportunities.test_indexes import RARE, WORDS

ROWS = 8_000
SLOT = datetime(2030, 6, 4, 13, 0, tzinfo=UTC)


@dataclass
class Assets:
    hub_id: int
    category_ids: list[int]


@pytest.fixture(scope="module")
async def assets() -> Assets:
    from app.hubs import service as hubs
    from tests.helpers import create_person

    suffix = uuid.uuid4().hex[:8]
    hub = await hubs.create_hub(name=f"Asset index hub {suffix}", slug=f"aindex-{suffix}")
    owner = await create_person(hub=hub)
    categories = [c.id for c in await AssetCategory.filter(hub_id=hub.id).order_by("id")]
    rng = random.Random(7)
    now = datetime.now(UTC)
    rows = []
    for n in range(ROWS):
        lat, lng = rng.uniform(50.5, 55.5), rng.uniform(-4.5, 1.0)
        cell8 = h3.latlng_to_cell(lat, lng, 8)
        status = "listed" if n % 5 == 0 else rng.choice(["withdrawn", "rehomed", "draft"])
        kind = rng.choice(["giveaway", "loan", "bookable"])
        rows.append(
            [
                hub.id,
                kind,
                status,
                owner.member.id,
                f"{RARE if n % 100 == 3 else rng.choice(WORDS)} {rng.choice(WORDS)} {n}",
                " ".join(rng.choices(WORDS, k=8)),
                rng.choice(categories),
                lat,
                lng,
                cell8,
                h3.cell_to_parent(cell8, 6),
                h3.cell_to_parent(cell8, 4),
                now - timedelta(minutes=n) if status == "listed" else None,
            ]
        )
    conn = Tortoise.get_connection("default")
    await conn.execute_many(
        "INSERT INTO asset (hub_id, kind, status, owner_kind, owner_member_id, listed_by_id,"
        " title, description, category_id, lat, lng, cell8, cell6, cell4, listed_at,"
        " created_at, updated_at, photos, quantity, address, contact_details, area_name,"
        " requires_approval, opening_hours, notice_minutes, cancel_notice_minutes, audience,"
        " required_checks, price_credits, deposit_credits, held_reason, review_note)"
        " VALUES ($1, $2, $3, 'member', $4, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(),"
        " now(), '[]', 1, '', '', '', true, '[]', 0, 0, 'anyone', '[]', 0, 0, '', '')",
        rows,
    )
    # Every bookable one has a week of two-hour slots.
    await conn.execute_query(
        "INSERT INTO booking (hub_id, asset_id, booker_id, starts_at, ends_at, status, message,"
        " price_credits, cancel_reason, created_at, updated_at)"
        " SELECT a.hub_id, a.id, a.listed_by_id, $2::timestamptz + d * interval '1 day',"
        " $2::timestamptz + d * interval '1 day' + interval '2 hours', 'confirmed', '', 0, '',"
        " now(), now() FROM asset a, generate_series(-3, 3) d"
        " WHERE a.hub_id = $1 AND a.kind = 'bookable'",
        [hub.id, SLOT],
    )
    await conn.execute_query("ANALYZE asset")
    await conn.execute_query("ANALYZE booking")
    return Assets(hub_id=hub.id, category_ids=categories)


async def plan(assets: Assets, filters: Filters, sort: Sort) -> str:
    sql, params = build(assets.hub_id, filters, sort)
    async with in_transaction() as conn:
        await conn.execute_query("SET LOCAL enable_seqscan = off")
        rows = await conn.execute_query_dict(f"EXPLAIN {sql} LIMIT 21 OFFSET 0", params)
    return "\n".join(r["QUERY PLAN"] for r in rows)


FREE = (SLOT, SLOT + timedelta(hours=2))
CASES: list[tuple[str, Any, Sort, list[str]]] = [
    ("newest", lambda c: Filters(), Sort.NEWEST, ["asset_listed_newest"]),
    ("one kind", lambda c: Filters(kind=AssetKind.LOAN), Sort.NEWEST, ["asset_listed_kind"]),
    ("text", lambda c: Filters(text=RARE), Sort.RELEVANCE, ["asset_listed_search"]),
    ("category", lambda c: Filters(category_ids=c[:1]), Sort.NEWEST, ["asset_listed_category"]),
    (
        "within 3 km",
        lambda c: Filters(near=MANCHESTER, within_km=3),
        Sort.NEAREST,
        ["asset_listed_cell8"],
    ),
    (
        "within 50 km",
        lambda c: Filters(near=MANCHESTER, within_km=50),
        Sort.NEAREST,
        ["asset_listed_cell6"],
    ),
    (
        "free, newest",
        lambda c: Filters(free=FREE),
        Sort.NEWEST,
        ["asset_listed_kind", "booking_no_overlap"],
    ),
    (
        "free within 5 km",
        lambda c: Filters(free=FREE, near=MANCHESTER, within_km=5),
        Sort.NEAREST,
        ["asset_listed_bookable_cell8", "booking_no_overlap"],
    ),
]


@pytest.mark.parametrize(("name", "filters", "sort", "indexes"), CASES, ids=[c[0] for c in CASES])
async def test_search_shape_uses_its_index(
    assets: Assets, name: str, filters: Any, sort: Sort, indexes: list[str]
) -> None:
    explained = await plan(assets, filters(assets.category_ids), sort)
    for index in indexes:
        assert index in explained, explained
