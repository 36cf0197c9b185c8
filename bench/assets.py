"""The shared assets of the generated hub (issue 13): categories with their impact factors,
50,000 assets (at scale 1), 500,000 bookings and 50,000 loans, loaded by COPY.

Mostly giveaways (70%: listed, rehomed or withdrawn), loans (20%) and bookable spaces and
equipment (10%, 5,000 at scale 1) with opening hours in the hub's time zone. Owners: members,
organisations and the hub (council rooms, a library of things). Places spread over the city
like its members (H3 cells at resolutions 8, 6 and 4; the area named after the cell6).
Bookings of one asset follow each other inside its opening hours, and loans of one asset each
other, so the exclusion constraints (booking_no_overlap, loan_no_overlap) hold: COPY checks them
row by row. Bookings run from 120 days ago to 60 days ahead: the past ones checked out (a tenth
cancelled), the running ones checked in, the coming ones confirmed (a fifth waiting for
approval, a few cancelled or declined, which keep no slot).
"""

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import h3

from app.assets.categories import DEFAULTS

COUNTS = {"assets": 50_000, "bookings": 500_000, "loans": 50_000}
ZONE = ZoneInfo("Europe/London")
CENTRE = (53.4794, -2.2453)
AREAS = (
    "Ancoats",
    "Ardwick",
    "Chorlton",
    "Didsbury",
    "Fallowfield",
    "Hulme",
    "Levenshulme",
    "Moss Side",
    "Northern Quarter",
    "Rusholme",
    "Salford Quays",
    "Whalley Range",
    "Withington",
    "Stretford",
    "Eccles",
    "Prestwich",
)
# Who owns what (member, organisation, hub): weights per kind.
OWNERS = {
    "giveaway": (90, 10, 0),
    "loan": (70, 25, 5),  # the hub's library of things
    "bookable": (25, 50, 25),  # community centres' rooms, council rooms
}
THINGS = ("desk", "chair", "laptop", "drill", "ladder", "sofa", "bike", "monitor", "books")
# Weekly windows of a bookable (ISO weekday, from, to), and how often each shape is drawn.
Window = tuple[int, str, str]
HOURS: tuple[tuple[list[Window], int], ...] = (
    ([(d, "09:00", "18:00") for d in range(1, 6)], 6),
    ([(d, "08:00", "22:00") for d in range(1, 8)], 3),
    ([], 1),  # open at any time
)
WINDOW_ALWAYS = (time(8), time(20))  # where the generator puts slots of an always-open one
HISTORY, AHEAD = timedelta(days=120), timedelta(days=60)
BLOCK_HOURS = 3  # a booking lasts 1-3 whole hours inside one block of its opening hours


class Load(Protocol):
    async def copy(
        self, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]], total: int
    ) -> None: ...


ASSET_COLUMNS = [
    "id",
    "hub_id",
    "kind",
    "status",
    "owner_kind",
    "owner_member_id",
    "owner_organisation_id",
    "listed_by_id",
    "title",
    "description",
    "category_id",
    "photos",
    "condition",
    "quantity",
    "weight_g",
    "lat",
    "lng",
    "address",
    "contact_details",
    "area_name",
    "cell8",
    "cell6",
    "cell4",
    "requires_approval",
    "opening_hours",
    "min_minutes",
    "max_minutes",
    "notice_minutes",
    "cancel_notice_minutes",
    "audience",
    "required_checks",
    "price_credits",
    "deposit_credits",
    "listed_at",
    "withdrawn_at",
    "rehomed_at",
    "held_reason",
    "review_note",
    "updated_at",
    "created_at",
]
BOOKING_COLUMNS = [
    "id",
    "hub_id",
    "asset_id",
    "booker_id",
    "starts_at",
    "ends_at",
    "status",
    "message",
    "price_credits",
    "decided_at",
    "cancelled_at",
    "cancel_reason",
    "checked_in_at",
    "checked_out_at",
    "updated_at",
    "created_at",
]
LOAN_COLUMNS = [
    "id",
    "hub_id",
    "asset_id",
    "borrower_id",
    "message",
    "starts_at",
    "due_at",
    "status",
    "decided_at",
    "price_credits",
    "deposit_credits",
    "handover_owner_confirmed_at",
    "handover_borrower_confirmed_at",
    "handed_over_at",
    "return_owner_confirmed_at",
    "return_borrower_confirmed_at",
    "returned_at",
    "return_note",
    "dispute_reason",
    "resolution_note",
    "updated_at",
    "created_at",
]


async def fill(
    load: Load, raw: Any, rng: random.Random, hub_id: int, n: dict[str, int], now: datetime
) -> None:
    """Adds the hub's asset categories and factors, then its assets, bookings and loans."""
    categories = await _categories(raw, hub_id, now)
    kinds = _kinds(n["assets"])
    hours: dict[int, list[tuple[int, str, str]]] = {}

    def assets() -> Iterator[tuple[Any, ...]]:
        for i, kind in enumerate(kinds, start=1):
            windows = _draw_hours(rng) if kind == "bookable" else []
            hours[i] = windows
            yield _asset(rng, i, kind, hub_id, n, categories, windows, now)

    await load.copy("asset", ASSET_COLUMNS, assets(), len(kinds))
    bookables = [i for i, kind in enumerate(kinds, start=1) if kind == "bookable"]
    lent = [i for i, kind in enumerate(kinds, start=1) if kind == "loan"]
    members = n["members"]
    await load.copy(
        "booking",
        BOOKING_COLUMNS,
        _bookings(rng, hub_id, bookables, hours, n["bookings"], members, now),
        n["bookings"],
    )
    await load.copy(
        "loan", LOAN_COLUMNS, _loans(rng, hub_id, lent, n["loans"], members, now), n["loans"]
    )


async def _categories(raw: Any, hub_id: int, now: datetime) -> dict[str, int]:
    found = {}
    for d in DEFAULTS:
        category = await raw.fetchval(
            "INSERT INTO asset_category (hub_id, slug, name, created_at) VALUES ($1, $2, $3, $4)"
            " RETURNING id",
            hub_id,
            d.slug,
            d.name,
            now,
        )
        await raw.execute(
            "INSERT INTO impact_factor (hub_id, category_id, item_weight_g, co2e_g_per_kg,"
            " value_minor_per_item, value_minor_per_hour, currency, loan_share_pct, source,"
            " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, 'GBP', 10, $6, $7, $7)",
            hub_id,
            category,
            d.item_weight_g,
            d.co2e_g_per_kg,
            d.value_minor_per_item,
            d.source,
            now,
        )
        found[d.slug] = category
    return found


def _kinds(total: int) -> list[str]:
    """70% giveaways, 20% loans, 10% bookables, interleaved (ids spread over the kinds)."""
    return [
        "bookable" if i % 10 == 0 else "loan" if i % 10 in (3, 7) else "giveaway"
        for i in range(1, total + 1)
    ]


def _draw_hours(rng: random.Random) -> list[tuple[int, str, str]]:
    shapes = [shape for shape, _ in HOURS]
    return list(rng.choices(shapes, [weight for _, weight in HOURS])[0])


def _asset(
    rng: random.Random,
    i: int,
    kind: str,
    hub_id: int,
    n: dict[str, int],
    categories: dict[str, int],
    windows: list[tuple[int, str, str]],
    now: datetime,
) -> tuple[Any, ...]:
    lat, lng = CENTRE[0] + rng.gauss(0, 0.12), CENTRE[1] + rng.gauss(0, 0.18)
    cell8 = h3.latlng_to_cell(lat, lng, 8)
    listed = now - timedelta(minutes=rng.randint(0, 180 * 24 * 60))
    listed_by = rng.randint(1, n["members"])
    owner = rng.choices(("member", "organisation", "hub"), OWNERS[kind])[0]
    organisation = rng.randint(1, n["organisations"]) if owner == "organisation" else None
    status, rehomed, withdrawn = "listed", None, None
    if kind == "giveaway":
        roll = rng.random()
        if roll < 0.3:
            status, rehomed = "rehomed", listed + timedelta(days=rng.randint(1, 20))
        elif roll < 0.4:
            status, withdrawn = "withdrawn", listed + timedelta(days=rng.randint(1, 20))
    elif rng.random() < 0.05:
        status, withdrawn = "withdrawn", listed + timedelta(days=rng.randint(1, 20))
    if kind == "bookable":
        category = categories["spaces"] if i % 30 else categories["it-equipment"]  # printers
        title = f"Meeting room {i}" if i % 30 else f"3D printer {i}"
        minimum, maximum, notice = 30, rng.choice((240, 480)), rng.choice((0, 60, 1440))
        price = rng.choice((0, 0, 0, 60))
    else:
        thing = rng.choice(THINGS)
        category = categories[
            {
                "laptop": "it-equipment",
                "monitor": "it-equipment",
                "drill": "tools",
                "ladder": "tools",
                "bike": "bikes",
                "books": "books",
            }.get(thing, "furniture")
        ]
        title = f"{thing.capitalize()} {i}"
        minimum, maximum, notice = (1440, 20160, 0) if kind == "loan" else (None, None, 0)  # type: ignore[assignment]
        price = 0
    return (
        i,
        hub_id,
        kind,
        status,
        owner,
        listed_by if owner == "member" else None,
        organisation,
        listed_by,
        title,
        f"A {title.lower()} to share.",
        category,
        "[]",
        None if kind == "bookable" else rng.choice(("new", "like_new", "good", "fair")),
        rng.choice((1, 1, 1, 2, 5))
        if kind == "giveaway" and status == "listed"
        else (0 if status == "rehomed" else 1),
        rng.choice((None, 2_000, 15_000, 30_000)) if kind != "bookable" else None,
        lat,
        lng,
        "",
        "",
        AREAS[int(h3.cell_to_parent(cell8, 6), 16) % len(AREAS)],
        cell8,
        h3.cell_to_parent(cell8, 6),
        h3.cell_to_parent(cell8, 4),
        kind == "bookable" and i % 3 == 0,
        json.dumps([{"weekday": d, "from": f, "to": t} for d, f, t in windows]),
        minimum,
        maximum,
        notice,
        0,
        "anyone",
        "[]",
        price,
        rng.choice((0, 0, 50)) if kind == "loan" else 0,
        listed,
        withdrawn,
        rehomed,
        "",
        "",
        now,
        listed,
    )


def _bookings(
    rng: random.Random,
    hub_id: int,
    bookables: list[int],
    hours: dict[int, list[tuple[int, str, str]]],
    total: int,
    members: int,
    now: datetime,
) -> Iterator[tuple[Any, ...]]:
    """Each bookable's share of `total`, in distinct blocks of its opening hours drawn over the
    whole period (so slots of one asset never overlap), in time order."""
    made = 0
    each, extra = divmod(total, len(bookables)) if bookables else (0, 0)
    first_day = (now - HISTORY).astimezone(ZONE).date()
    days = (HISTORY + AHEAD).days
    for position, asset in enumerate(bookables):
        blocks = _blocks(_weekly(hours[asset]), first_day, days)
        count = min(len(blocks), each + (position < extra))
        for block, length in sorted(rng.sample(blocks, count)):
            hours_booked = rng.randint(1, length)
            starts = block + timedelta(hours=rng.randint(0, length - hours_booked))
            ends = starts + timedelta(hours=hours_booked)
            made += 1
            yield _booking(
                rng,
                made,
                hub_id,
                asset,
                rng.randint(1, members),
                starts.astimezone(UTC),
                ends.astimezone(UTC),
                now,
            )


def _weekly(windows: list[tuple[int, str, str]]) -> dict[int, tuple[time, time]]:
    if not windows:
        return {d: WINDOW_ALWAYS for d in range(1, 8)}
    return {d: (time.fromisoformat(f), time.fromisoformat(t)) for d, f, t in windows}


def _blocks(
    windows: dict[int, tuple[time, time]], first_day: date, days: int
) -> list[tuple[datetime, int]]:
    """The opening hours of `days` days cut into blocks of up to BLOCK_HOURS whole hours (local
    start, hours): a booking inside one block overlaps no booking in another."""
    found = []
    for day in (first_day + timedelta(days=d) for d in range(days)):
        window = windows.get(day.isoweekday())
        if window is None:
            continue
        closes = window[1].hour or 24  # "24:00" is the next midnight
        for hour in range(window[0].hour, closes, BLOCK_HOURS):
            found.append((datetime.combine(day, time(hour), ZONE), min(BLOCK_HOURS, closes - hour)))
    return found


def _booking(
    rng: random.Random,
    i: int,
    hub_id: int,
    asset: int,
    booker: int,
    starts: datetime,
    ends: datetime,
    now: datetime,
) -> tuple[Any, ...]:
    # asked 1-14 days ahead, and never in the future (at least two hours ago)
    made = min(
        starts - timedelta(days=rng.randint(1, 14)), now - timedelta(hours=rng.randint(2, 336))
    )
    cancelled = checked_in = checked_out = None
    roll = rng.random()
    if ends <= now:
        if roll < 0.1:
            status, cancelled = "cancelled", made + timedelta(hours=1)
        else:
            status, checked_in, checked_out = "checked_out", starts, ends
    elif starts <= now:
        status, checked_in = "checked_in", starts
    elif roll < 0.04:  # neither keeps its slot (booking_no_overlap): the search looks past them
        status, cancelled = "cancelled", made + timedelta(hours=1)
    elif roll < 0.06:
        status = "declined"
    else:
        status = "pending" if roll < 0.25 else "confirmed"
    decided = None if status == "pending" else made + timedelta(hours=1)
    return (
        i, hub_id, asset, booker, starts, ends, status, "", 0, decided, cancelled, "",
        checked_in, checked_out, now, made,
    )  # fmt: skip


def _loans(
    rng: random.Random,
    hub_id: int,
    lent: list[int],
    total: int,
    members: int,
    now: datetime,
) -> Iterator[tuple[Any, ...]]:
    made = 0
    each, extra = divmod(total, len(lent)) if lent else (0, 0)
    for position, asset in enumerate(lent):
        cursor = now - HISTORY
        count = each + (position < extra)
        # loans of 2-14 days (8 on average) and the gaps between them fill the whole period
        gap = max(2, int(2 * (HISTORY + AHEAD).days / max(1, count)) - 16)
        for _ in range(count):
            starts = cursor + timedelta(days=rng.randint(1, gap), hours=rng.randint(0, 12))
            due = starts + timedelta(days=rng.randint(2, 14))
            cursor = due
            made += 1
            yield _loan(rng, made, hub_id, asset, rng.randint(1, members), starts, due, now)


def _loan(
    rng: random.Random,
    i: int,
    hub_id: int,
    asset: int,
    borrower: int,
    starts: datetime,
    due: datetime,
    now: datetime,
) -> tuple[Any, ...]:
    asked = min(
        starts - timedelta(days=rng.randint(1, 7)), now - timedelta(hours=rng.randint(4, 168))
    )
    handed = returned = None
    if due <= now:
        if due > now - timedelta(days=14) and rng.random() < 0.2:  # late, not for months
            status, handed = "overdue", starts
        else:
            status, handed, returned = "returned", starts, due
    elif starts <= now:
        status, handed = "on_loan", starts
    else:
        status = "requested" if rng.random() < 0.4 else "approved"
    decided = None if status == "requested" else asked + timedelta(hours=3)
    return (
        i, hub_id, asset, borrower, "", starts, due, status, decided, 0, 0,
        handed, handed, handed, returned, returned, returned, "", "", "", now, asked,
    )  # fmt: skip
