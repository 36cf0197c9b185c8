"""The free-slot search ("a space free on Tuesday 14:00-16:00 within 5 km") probes the bookings
of only as many spaces as its page needs, nearest first, and answers exactly the nearest free
ones: bookable spaces come from their own partial index (asset_listed_bookable_cell8, migration
0016). Before, every space in reach was probed, then sorted."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import h3
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.assets.models import AssetCategory, AssetKind
from app.assets.search import Filters, Sort, build
from app.opportunities.geo import distance_km
from tests.assets.conftest import MANCHESTER

SLOT = datetime(2030, 6, 4, 13, 0, tzinfo=UTC)  # a Tuesday, 14:00 in London


async def test_the_free_search_probes_only_what_the_page_needs() -> None:
    # given 300 bookable rooms within 4 km (every third one booked at that time), and 300
    # giveaways among them
    from app.hubs import service as hubs
    from tests.helpers import create_person

    hub = await hubs.create_hub(name="Free search hub", slug=f"free-{uuid.uuid4().hex[:8]}")
    owner = await create_person(hub=hub)
    conn = Tortoise.get_connection("default")
    spaces = await AssetCategory.get(hub_id=hub.id, slug="spaces")
    rows = []
    for n in range(600):
        lat = MANCHESTER[0] + (n % 25 - 12) * 0.0025 + n * 1e-6  # no two equally far
        lng = MANCHESTER[1] + (n // 25 - 12) * 0.004
        cell8 = h3.latlng_to_cell(lat, lng, 8)
        kind = "bookable" if n % 2 else "giveaway"
        cells = [cell8, h3.cell_to_parent(cell8, 6), h3.cell_to_parent(cell8, 4)]
        rows.append([hub.id, kind, owner.member.id, f"Room {n}", spaces.id, lat, lng, *cells])
    await conn.execute_many(
        "INSERT INTO asset (hub_id, kind, status, owner_kind, owner_member_id, listed_by_id,"
        " title, description, category_id, lat, lng, cell8, cell6, cell4, listed_at,"
        " created_at, updated_at, photos, quantity, address, contact_details, area_name,"
        " requires_approval, opening_hours, notice_minutes, cancel_notice_minutes, audience,"
        " required_checks, price_credits, deposit_credits, held_reason, review_note)"
        " VALUES ($1, $2, 'listed', 'member', $3, $3, $4, '', $5, $6, $7, $8, $9, $10, now(),"
        " now(), now(), '[]', 1, '', '', '', true, '[]', 0, 0, 'anyone', '[]', 0, 0, '', '')",
        rows,
    )
    await conn.execute_query(
        "INSERT INTO booking (hub_id, asset_id, booker_id, starts_at, ends_at, status, message,"
        " price_credits, cancel_reason, created_at, updated_at)"
        " SELECT a.hub_id, a.id, a.listed_by_id, $2::timestamptz,"
        " $2::timestamptz + interval '2 hours', 'confirmed', '', 0, '', now(), now() FROM asset a WHERE a.hub_id = $1 AND a.kind = 'bookable'"
        " AND a.id % 3 = 0",
        [hub.id, SLOT],
    )
    await conn.execute_query("ANALYZE asset")
    await conn.execute_query("ANALYZE booking")
    try:
        await _search_and_check(hub.id)
    finally:
        # 600 rows of one hub skew the asset table's statistics for the index tests after
        # this one (tests/assets/test_indexes.py plans over the whole table): take them away.
        await conn.execute_query("DELETE FROM booking WHERE hub_id = $1", [hub.id])
        await conn.execute_query("DELETE FROM asset WHERE hub_id = $1", [hub.id])
        await conn.execute_query("ANALYZE asset")


async def _search_and_check(hub_id: int) -> None:
    conn = Tortoise.get_connection("default")
    filters = Filters(free=(SLOT, SLOT + timedelta(hours=2)), near=MANCHESTER, within_km=5)
    sql, params = build(hub_id, filters, Sort.NEAREST)

    # when the first page of 20 (and one more, for hasNextPage) is asked for
    page = await conn.execute_query_dict(f"{sql} LIMIT 21 OFFSET 0", params)
    async with in_transaction() as tx:  # as in production: indexes over this small table
        await tx.execute_query("SET LOCAL enable_seqscan = off")
        explained = await tx.execute_query_dict(
            f"EXPLAIN (ANALYZE, COSTS OFF) {sql} LIMIT 21 OFFSET 0", params
        )

    # then it is the 21 nearest free rooms, in order
    rooms = await conn.execute_query_dict(
        "SELECT a.id, a.lat, a.lng, EXISTS (SELECT 1 FROM booking b WHERE b.asset_id = a.id)"
        " AS busy FROM asset a WHERE a.hub_id = $1 AND a.kind = $2",
        [hub_id, AssetKind.BOOKABLE.value],
    )
    free = sorted(
        (distance_km(r["lat"], r["lng"], *MANCHESTER), r["id"]) for r in rooms if not r["busy"]
    )
    assert [r["id"] for r in page] == [i for _, i in free[:21]]
    # and the 300 rooms in reach came from the bookable rooms' own index, sorted by distance,
    # and only those up to the page's end had their bookings looked at
    plan = "\n".join(r["QUERY PLAN"] for r in explained)
    assert "asset_listed_bookable_cell8" in plan, plan
    probed = re.search(
        r"Nested Loop Anti Join.*\n(?:.*\n)*?.*Sort \(actual time=\S+ rows=(\d+) ", plan
    )
    assert probed is not None, plan
    assert 21 <= int(probed.group(1)) <= 40, plan
