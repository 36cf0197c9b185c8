"""Fill a fresh database with one deterministic Do-it-sized hub (issue 7).

    uv run python -m bench.generate [--scale 1.0] [--database ch_bench_hub] [--seed 7]

At scale 1: 600,000 members with skills, home cells, availability and preferences; 5,000
organisations; 1,000,000 opportunities over a month (a fifth open); 3,000,000 applications;
1,000,000 verified hours records with their earning transfers; 2,000,000 timebank transfers;
100,000 saved searches; and the shared assets of bench/assets.py (50,000 assets, 500,000
bookings, 50,000 loans). Loaded with COPY through the project's migrations; the ledger is
consistent (double entry, running balances, the books sum to zero). Prints the time and the
database size. Uses the server of CH_DATABASE_URL and creates the named database.
"""

import argparse
import asyncio
import json
import random
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import h3
from rich.progress import Progress

from app.matching.saved_searches import words_of
from bench import assets
from bench.procs import db_url

CHUNK = 50_000
CENTRE = (53.4794, -2.2453)
WORDS = (
    "garden",
    "shopping",
    "befriending",
    "walk",
    "tutoring",
    "cooking",
    "driving",
    "repair",
    "litter",
    "library",
    "food bank",
    "computer help",
    "painting",
    "lifts",
    "knitting",
)
COUNTS = {
    "members": 600_000,
    "organisations": 5_000,
    "opportunities": 1_000_000,
    "applications": 3_000_000,
    "hours": 1_000_000,
    "exchanges": 2_000_000,
    "saved_searches": 100_000,
    **assets.COUNTS,
}


class Loader:
    """COPY rows in chunks, with a progress bar per table."""

    def __init__(self, raw: Any, progress: Progress) -> None:
        self.raw, self.progress = raw, progress

    async def copy(
        self, table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]], total: int
    ) -> None:
        task = self.progress.add_task(table, total=total)
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                await self.raw.copy_records_to_table(table, records=chunk, columns=columns)
                self.progress.advance(task, len(chunk))
                chunk = []
        if chunk:
            await self.raw.copy_records_to_table(table, records=chunk, columns=columns)
            self.progress.advance(task, len(chunk))
        await self.raw.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 1) FROM {table}))"
        )


async def generate(database: str, scale: float, seed: int, quiet: bool = False) -> dict[str, Any]:
    rng = random.Random(seed)
    n = {k: max(1, int(v * scale)) for k, v in COUNTS.items()}
    url = db_url(database)
    from app.migrate import create_database, migrate_database

    started = time.perf_counter()
    await create_database(url)
    await migrate_database(url)
    now = datetime.now(UTC).replace(microsecond=0)
    raw = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        with Progress(disable=quiet) as progress:
            parts = await _fill(Loader(raw, progress), raw, rng, n, now)
        vacuum = time.perf_counter()
        await raw.execute("VACUUM ANALYZE")  # visibility map: index-only scans
        parts["vacuum_analyze"] = time.perf_counter() - vacuum
        size = await raw.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await raw.close()
    return {
        "database": database,
        "scale": scale,
        "counts": n,
        "seconds": round(time.perf_counter() - started, 1),
        "seconds_by_part": {part: round(seconds, 1) for part, seconds in parts.items()},
        "size": size,
    }


async def _fill(
    load: Loader, raw: Any, rng: random.Random, n: dict[str, int], now: datetime
) -> dict[str, float]:
    """Fills the hub; returns the seconds taken by its parts (the shared assets on their own)."""
    started = time.perf_counter()
    hub_id = await raw.fetchval(
        "INSERT INTO hub (name, slug, locale, timezone, credit_name, credits_per_hour,"
        " member_overdraft_limit, daily_notification_cap, created_at)"
        " VALUES ('Do-it City', 'doit', 'en-GB', 'Europe/London', 'minute', 60, 0, 3, $1)"
        " RETURNING id",
        now,
    )
    skills = [
        await raw.fetchval(
            "INSERT INTO skill (hub_id, slug, name, category, created_at)"
            " VALUES ($1, $2, $3, 'general', $4) RETURNING id",
            hub_id,
            f"skill-{i}",
            f"Skill {i}",
            now,
        )
        for i in range(50)
    ]
    categories = [
        await raw.fetchval(
            "INSERT INTO category (hub_id, slug, name, created_at)"
            " VALUES ($1, $2, $3, $4) RETURNING id",
            hub_id,
            f"cat-{i}",
            f"Category {i}",
            now,
        )
        for i in range(20)
    ]
    members = n["members"]

    def people() -> Iterator[tuple[Any, ...]]:
        for i in range(1, members + 1):
            lat, lng = CENTRE[0] + rng.gauss(0, 0.12), CENTRE[1] + rng.gauss(0, 0.18)
            slots = (
                json.dumps([{"weekday": rng.randint(1, 7), "from": "09:00", "to": "17:00"}])
                if i % 3
                else "[]"
            )
            yield (
                i,
                hub_id,
                f"Volunteer {i}",
                f"v{i}@doit.example",
                now,
                now,
                "",
                "[]",
                lat,
                lng,
                h3.latlng_to_cell(lat, lng, 8),
                rng.choice((2, 5, 10, 20)),
                slots,
                json.dumps({"digest": "daily"}) if i % 10 == 0 else "{}",
                False,
                "active",
            )

    await load.copy(
        "member",
        [
            "id",
            "hub_id",
            "display_name",
            "email",
            "created_at",
            "updated_at",
            "bio",
            "interests",
            "home_lat",
            "home_lng",
            "home_cell",
            "travel_km",
            "availability",
            "notification_prefs",
            "is_proxy",
            "status",
        ],
        people(),
        members,
    )
    await load.copy(
        "member_skill",
        ["hub_id", "member_id", "skill_id", "created_at"],
        ((hub_id, m, s, now) for m in range(1, members + 1) for s in rng.sample(skills, 2)),
        members * 2,
    )
    orgs = n["organisations"]
    await load.copy(
        "organisation",
        [
            "id",
            "hub_id",
            "slug",
            "name",
            "kind",
            "description",
            "website",
            "contact_email",
            "area",
            "created_at",
            "updated_at",
        ],
        (
            (
                i,
                hub_id,
                f"org-{i}",
                f"Organisation {i}",
                rng.choice(
                    (
                        "charity",
                        "voluntary_group",
                        "school",
                        "business",
                        "council_service",
                        "community_group",
                    )
                ),
                "",
                "",
                "",
                "",
                now,
                now,
            )
            for i in range(1, orgs + 1)
        ),
        orgs,
    )
    await load.copy(
        "organisation_member",
        ["hub_id", "organisation_id", "member_id", "role", "created_at"],
        ((hub_id, i, rng.randint(1, members), "owner", now) for i in range(1, orgs + 1)),
        orgs,
    )
    await _opportunities(load, rng, hub_id, n, categories, skills, now)
    await _ledger(load, raw, rng, hub_id, n, now)
    await load.copy(
        "saved_search",
        [
            "hub_id",
            "member_id",
            "name",
            "text",
            "category_ids",
            "skill_ids",
            "kind",
            "within_km",
            "weekdays",
            "words",
            "key",
            "created_at",
        ],
        (_saved_search(rng, hub_id, members, categories, now) for _ in range(n["saved_searches"])),
        n["saved_searches"],
    )
    people_and_opportunities = time.perf_counter() - started
    await assets.fill(load, raw, rng, hub_id, n, now)
    return {
        "people_opportunities_ledger": people_and_opportunities,
        "assets_bookings_loans": time.perf_counter() - started - people_and_opportunities,
    }


def _saved_search(
    rng: random.Random, hub_id: int, members: int, categories: list[int], now: datetime
) -> tuple[Any, ...]:
    """One member's one-word search in one category within a few km of home."""
    member, text = rng.randint(1, members), rng.choice(WORDS)
    category, within = rng.choice(categories), float(rng.choice((2, 5, 10)))
    words = words_of(text)
    key = max(words, key=len, default="")
    return (hub_id, member, "My search", text, json.dumps([category]), "[]", None, within, "[]",
            json.dumps(words), key, now)  # fmt: skip


async def _opportunities(
    load: Loader,
    rng: random.Random,
    hub_id: int,
    n: dict[str, int],
    categories: list[int],
    skills: list[int],
    now: datetime,
) -> None:
    total, members, orgs = n["opportunities"], n["members"], n["organisations"]

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(1, total + 1):
            lat, lng = CENTRE[0] + rng.gauss(0, 0.12), CENTRE[1] + rng.gauss(0, 0.18)
            cell8 = h3.latlng_to_cell(lat, lng, 8)
            published = now - timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            status = "published" if i % 5 == 0 else rng.choice(("closed", "expired", "filled"))
            yield (
                i,
                hub_id,
                rng.choice(("request", "offer")),
                status,
                f"{rng.choice(WORDS).capitalize()} help {i}",
                f"Please help with {rng.choice(WORDS)}.",
                rng.choice(categories),
                rng.randint(1, members),
                rng.randint(1, orgs) if i % 3 == 0 else None,
                False,
                lat,
                lng,
                cell8,
                h3.cell_to_parent(cell8, 6),
                h3.cell_to_parent(cell8, 4),
                published + timedelta(days=rng.randint(1, 20)),
                published,
                published + timedelta(days=30),
                rng.randint(1, 5),
                "",
                "urgent" if i % 50 == 0 else "normal",
                now,
                now,
                "",
                "",
                "",
                0,
                "[]",
                False,
            )

    await load.copy(
        "opportunity",
        [
            "id",
            "hub_id",
            "kind",
            "status",
            "title",
            "description",
            "category_id",
            "poster_id",
            "organisation_id",
            "remote",
            "lat",
            "lng",
            "cell8",
            "cell6",
            "cell4",
            "starts_at",
            "published_at",
            "expires_at",
            "places",
            "area_name",
            "urgency",
            "created_at",
            "updated_at",
            "address",
            "contact_details",
            "recurrence",
            "accepted_count",
            "required_checks",
            "auto_accept",
        ],
        rows(),
        total,
    )
    # The triggers that keep opportunity.skill_ids (migration of the feed's index-only ranking)
    # look each changed opportunity's links up by opportunity_id, which no index leads with:
    # per COPY chunk of 50,000 links that is quadratic (minutes per chunk at scale 0.1, the
    # scale-1 load never ends). Off for the load, then the arrays set in one statement.
    await load.raw.execute("ALTER TABLE opportunity_skill DISABLE TRIGGER USER")
    await load.copy(
        "opportunity_skill",
        ["hub_id", "opportunity_id", "skill_id", "created_at"],
        ((hub_id, i, rng.choice(skills), now) for i in range(1, total + 1)),
        total,
    )
    await load.raw.execute(
        "UPDATE opportunity o SET skill_ids = l.ids"
        "  FROM (SELECT opportunity_id, array_agg(skill_id ORDER BY skill_id) AS ids"
        "          FROM opportunity_skill WHERE hub_id = $1 GROUP BY 1) l"
        " WHERE o.id = l.opportunity_id AND o.hub_id = $1",
        hub_id,
    )
    await load.raw.execute("ALTER TABLE opportunity_skill ENABLE TRIGGER USER")

    def applications() -> Iterator[tuple[Any, ...]]:
        seen: set[tuple[int, int]] = set()
        made = 0
        while made < n["applications"]:
            pair = (rng.randint(1, total), rng.randint(1, members))
            if pair in seen:
                continue
            seen.add(pair)
            made += 1
            yield (
                made,
                hub_id,
                pair[0],
                pair[1],
                "",
                "accepted"
                if made <= n["hours"]
                else rng.choice(("pending", "declined", "withdrawn", "waitlisted")),
                now,
                now,
            )

    await load.copy(
        "application",
        [
            "id",
            "hub_id",
            "opportunity_id",
            "applicant_id",
            "message",
            "status",
            "created_at",
            "updated_at",
        ],
        applications(),
        n["applications"],
    )


async def _ledger(
    load: Loader, raw: Any, rng: random.Random, hub_id: int, n: dict[str, int], now: datetime
) -> None:
    """Verified hours with their earning transfers, then timebank payments; books balance."""
    members, hours = n["members"], n["hours"]
    issuance = members + 1
    balances = [0] * (members + 2)
    await load.copy(
        "account",
        [
            "id",
            "hub_id",
            "kind",
            "member_id",
            "system",
            "balance",
            "held",
            "overdraft_limit",
            "created_at",
        ],
        ((i, hub_id, "member", i, None, 0, 0, 0, now) for i in range(1, members + 1)),
        members,
    )
    await raw.execute(
        "INSERT INTO account (id, hub_id, kind, system, balance, held,"
        " overdraft_limit, created_at) VALUES ($1, $2, 'system', 'issuance', 0, 0,"
        " NULL, $3)",
        issuance,
        hub_id,
        now,
    )
    applications = await raw.fetch(
        "SELECT id, opportunity_id, applicant_id FROM application WHERE status = 'accepted'"
        " ORDER BY id LIMIT $1",
        hours,
    )
    transfers: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []

    def move(source: int, destination: int, amount: int, kind: str, reference: str | None) -> None:
        transfer_id = len(transfers) + 1
        balances[source] -= amount
        balances[destination] += amount
        transfers.append(
            (
                transfer_id,
                hub_id,
                kind,
                "posted",
                amount,
                source,
                destination,
                "",
                "volunteering" if kind == "earn" else "timebank",
                reference,
                now,
                now,
                "{}",
            )
        )
        entries.append((hub_id, transfer_id, source, -amount, balances[source], now, ""))
        entries.append((hub_id, transfer_id, destination, amount, balances[destination], now, ""))

    def records() -> Iterator[tuple[Any, ...]]:
        for i, app in enumerate(applications, start=1):
            minutes = rng.choice((30, 60, 90, 120, 180))
            move(issuance, app["applicant_id"], minutes, "earn", f"hours:{i}")
            yield (
                i,
                hub_id,
                app["id"],
                app["opportunity_id"],
                app["applicant_id"],
                (now - timedelta(days=rng.randint(0, 60))).date(),
                minutes,
                "",
                "verified",
                now,
                "",
                "",
                now,
            )

    await load.copy(
        "hours_record",
        [
            "id",
            "hub_id",
            "application_id",
            "opportunity_id",
            "volunteer_id",
            "worked_on",
            "minutes",
            "note",
            "status",
            "reviewed_at",
            "dispute_reason",
            "resolution_note",
            "created_at",
        ],
        records(),
        len(applications),
    )
    for _ in range(n["exchanges"]):
        payer, payee = rng.randint(1, members), rng.randint(1, members)
        amount = min(balances[payer], rng.randint(5, 60))
        if payer != payee and amount > 0:
            move(payer, payee, amount, "exchange", None)
    await load.copy(
        "transfer",
        [
            "id",
            "hub_id",
            "kind",
            "status",
            "amount",
            "source_id",
            "destination_id",
            "memo",
            "category",
            "reference",
            "posted_at",
            "created_at",
            "data",
        ],
        iter(transfers),
        len(transfers),
    )
    await load.copy(
        "entry",
        [
            "hub_id",
            "transfer_id",
            "account_id",
            "amount",
            "balance_after",
            "created_at",
            "category",
        ],
        iter(entries),
        len(entries),
    )
    await raw.executemany(
        "UPDATE account SET balance = $2 WHERE id = $1",
        [(i, b) for i, b in enumerate(balances) if b and i],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", default="ch_bench_hub")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = asyncio.run(generate(args.database, args.scale, args.seed))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
