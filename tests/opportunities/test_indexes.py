"""Each search shape is served by its partial index (checked with EXPLAIN after ANALYZE).

Ten thousand listings spread over Britain, a fifth of them open, give the planner real
statistics; sequential scans are switched off so that the choice is between the indexes.
"""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.opportunities.models import OpportunityKind
from app.opportunities.search import Filters, Sort, build
from tests.opportunities.conftest import MANCHESTER

CASES = [
    ("newest feed", Filters(), Sort.NEWEST, "opportunity_open_newest"),
    (
        "soonest feed",
        Filters(kind=OpportunityKind.REQUEST),
        Sort.SOONEST,
        "opportunity_open_soonest",
    ),
    ("text", Filters(text="befriending"), Sort.RELEVANCE, "opportunity_open_search"),
    ("within 3 km", Filters(near=MANCHESTER, within_km=3), Sort.NEAREST, "opportunity_open_cell8"),
    (
        "within 50 km",
        Filters(near=MANCHESTER, within_km=50),
        Sort.NEAREST,
        "opportunity_open_cell6",
    ),
    (
        "within 150 km",
        Filters(near=MANCHESTER, within_km=150),
        Sort.NEAREST,
        "opportunity_open_cell4",
    ),
]


WORDS = ["repair", "shopping", "befriending", "walk", "tutoring", "cooking", "driving", "litter"]


async def _load(hub: Any, alice: Any, category: Any, count: int = 10_000) -> None:
    """Like a real hub: most listings are past (closed or expired), a fifth are open."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        lat, lng = rng.uniform(50.5, 55.5), rng.uniform(-4.5, 1.0)
        cell8 = h3.latlng_to_cell(lat, lng, 8)
        status = "published" if n % 5 == 0 else rng.choice(["closed", "expired", "filled"])
        rows.append(
            [
                hub.id,
                "request",
                status,
                f"{rng.choice(WORDS)} {n}",
                "",
                category.id,
                alice.member.id,
                lat,
                lng,
                cell8,
                h3.cell_to_parent(cell8, 6),
                h3.cell_to_parent(cell8, 4),
                now + timedelta(hours=n),
                now - timedelta(minutes=n),
                now + timedelta(days=30),
            ]
        )
    conn = Tortoise.get_connection("default")
    await conn.execute_many(
        "INSERT INTO opportunity (hub_id, kind, status, title, description, category_id, poster_id,"
        " lat, lng, cell8, cell6, cell4, starts_at, published_at, expires_at, created_at,"
        " updated_at, remote, address, contact_details, area_name, recurrence, places,"
        " accepted_count, required_checks, urgency, auto_accept)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now(), now(),"
        " false, '', '', '', '', 1, 0, '[]', 'normal', false)",
        rows,
    )
    await conn.execute_query("ANALYZE opportunity")


@pytest.mark.parametrize(("name", "filters", "sort", "index"), CASES, ids=[c[0] for c in CASES])
async def test_search_shape_uses_its_index(
    hub: Any, alice: Any, category: Any, name: str, filters: Filters, sort: Sort, index: str
) -> None:
    await _load(hub, alice, category)
    sql, params = build(hub.id, filters, sort)
    async with in_transaction() as conn:
        await conn.execute_query("SET LOCAL enable_seqscan = off")
        rows = await conn.execute_query_dict(f"EXPLAIN {sql} LIMIT 21", params)
    plan = "\n".join(r["QUERY PLAN"] for r in rows)
    assert index in plan, plan


async def test_category_filter_uses_its_index(hub: Any, alice: Any, category: Any) -> None:
    await _load(hub, alice, category)
    sql, params = build(hub.id, Filters(category_ids=[category.id]), Sort.NEWEST)
    async with in_transaction() as conn:
        await conn.execute_query("SET LOCAL enable_seqscan = off")
        await conn.execute_query("SET LOCAL enable_bitmapscan = off")
        rows = await conn.execute_query_dict(f"EXPLAIN {sql} LIMIT 21", params)
    plan = "\n".join(r["QUERY PLAN"] for r in rows)
    assert "opportunity_open_category" in plan or "opportunity_open_newest" in plan, plan
