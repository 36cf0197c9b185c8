"""Benchmark: citizen sensors (issue 23). 5,000 devices each send a batch of 60 readings (one
a second) every minute: sustained rows per second into PostgreSQL, and the time of the hourly
aggregate's incremental refresh after each minute of data.

    uv run python -m bench.sensors [--devices 5000] [--batch 60] [--minutes 5] [--clients 8]

Creates its own database (ch_bench_sensors_<random>), migrates it, registers the devices
(spread over ~10 km around central Manchester, 50 owners), then for each simulated minute sends
every device's batch through the service (`app.civic.sensors.ingest.ingest`: the key looked
up by its hash, the batch checked, one INSERT ... SELECT FROM unnest(...) statement) with
`--clients` concurrent senders, as fast as it goes; after each minute it runs the rollup
(`app.civic.sensors.rollup.rollup`, what the periodic worker runs every minute). The minute
keeps up in real time when its batches take under 60 s. At the end, the time a full
(non-incremental) recompute of the hourly aggregate would take, for comparison. Writes
bench/results/sensors-<time>.json and drops the database (unless --keep).
"""

import argparse
import asyncio
import hashlib
import json
import os
import random
import secrets
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.procs import db_url

CENTRE = (53.4808, -2.2426)
_FULL = """
SELECT count(*) FROM (
  SELECT hub_id, cell7, date_trunc('hour', measured_at), count(noise_db), sum(noise_db),
    count(pm25), sum(pm25), count(pm10), sum(pm10), count(temperature), sum(temperature),
    count(humidity), sum(humidity), count(DISTINCT device_id)
  FROM sensor_reading GROUP BY 1, 2, 3
) g
"""


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


async def _setup(devices: int) -> list[tuple[Any, str]]:
    from tortoise import Tortoise

    from app.actor import Actor
    from app.auth import service as auth
    from app.civic import settings
    from app.civic.sensors.devices import KEY_PREFIX
    from app.civic.sensors.models import SensorDevice
    from app.hubs import service as hubs
    from app.people.models import MemberRole, Role

    hub = await hubs.create_hub(name="Sensors bench", slug=f"sensors-{uuid.uuid4().hex[:6]}")
    owners = []
    for i in range(50):
        member = await auth.register(
            hub_slug=hub.slug, email=f"owner{i}@example.org", password="a sturdy passphrase 42",
            display_name=f"Owner {i}",
        )  # fmt: skip
        owners.append(member)
    await MemberRole.create(hub_id=hub.id, member_id=owners[0].id, role=Role.HUB_ADMIN)
    admin = Actor(member=owners[0], roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    await settings.set_civic_settings(actor=admin, centre=CENTRE, radius_km=15)
    import h3

    rng = random.Random(23)
    rows, keys = [], []
    for i in range(devices):
        lat = CENTRE[0] + rng.uniform(-0.09, 0.09)
        lng = CENTRE[1] + rng.uniform(-0.14, 0.14)
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        keys.append(key)
        rows.append(
            SensorDevice(
                hub_id=hub.id,
                owner_id=owners[i % len(owners)].id,
                name=f"Kit {i}",
                key_hash=hashlib.sha256(key.encode()).hexdigest(),
                lat=lat,
                lng=lng,
                cell7=h3.latlng_to_cell(lat, lng, 7),
            )
        )
    await SensorDevice.bulk_create(rows, batch_size=1000)
    await Tortoise.get_connection("default").execute_script("ANALYZE")
    return [(hub, key) for key in keys]


def _batch(start: datetime, size: int, rng: random.Random) -> list[dict[str, Any]]:
    step = timedelta(seconds=60 / size)
    return [
        {
            "time": (start + step * i).isoformat(),
            "noise_db": round(rng.uniform(35, 85), 1),
            "pm25": round(rng.uniform(2, 40), 1),
            "pm10": round(rng.uniform(5, 60), 1),
            "temperature": round(rng.uniform(-2, 15), 1),
            "humidity": round(rng.uniform(50, 99), 1),
        }
        for i in range(size)
    ]


async def _minute(keys: list[str], start: datetime, size: int, clients: int) -> dict[str, Any]:
    from app.civic.sensors import ingest

    rng = random.Random(start.timestamp())
    batches = [(key, _batch(start, size, rng)) for key in keys]
    queue: asyncio.Queue[tuple[str, list[dict[str, Any]]]] = asyncio.Queue()
    for item in batches:
        queue.put_nowait(item)
    added = 0
    latencies: list[float] = []

    async def sender() -> None:
        nonlocal added
        while not queue.empty():
            key, readings = queue.get_nowait()
            began = time.perf_counter()
            done, _ = await ingest.ingest(key=key, readings=readings)
            latencies.append(time.perf_counter() - began)
            added += done

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(clients)))
    took = time.perf_counter() - began
    latencies.sort()
    return {
        "rows": added,
        "seconds": round(took, 2),
        "rows_per_s": round(added / took),
        "batch_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "batch_p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "keeps_up": took < 60,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from tortoise import Tortoise

    from app.civic.sensors import rollup
    from app.db import tortoise_config
    from app.migrate import create_database, drop_database, migrate_database

    url = db_url(f"ch_bench_sensors_{uuid.uuid4().hex[:8]}")
    await create_database(url)
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(database_url=url))
        devices = await _setup(args.devices)
        keys = [k for _, k in devices]
        start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(
            minutes=args.minutes + 1
        )
        minutes = []
        for m in range(args.minutes):
            load_before = _load()
            sent = await _minute(keys, start + timedelta(minutes=m), args.batch, args.clients)
            rolled = await rollup.rollup(lag=timedelta(0))
            assert rolled is not None
            sent.update(rollup_ms=rolled.took_ms, rollup_rows=rolled.rows, load=load_before)
            minutes.append(sent)
            print(json.dumps({"minute": m + 1, **sent}))
        conn = Tortoise.get_connection("default")
        began = time.perf_counter()
        await conn.execute_query_dict(_FULL)
        full_ms = round((time.perf_counter() - began) * 1000)
        total_rows = sum(m["rows"] for m in minutes)
        total_s = sum(m["seconds"] for m in minutes)
        result = {
            "devices": args.devices,
            "batch": args.batch,
            "clients": args.clients,
            "minutes": minutes,
            "sustained_rows_per_s": round(total_rows / total_s),
            "needed_rows_per_s": round(args.devices * args.batch / 60),
            "rollup_ms_per_minute_of_data": [m["rollup_ms"] for m in minutes],
            "full_recompute_ms": full_ms,
            "load_after": _load(),
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        print(json.dumps(result, indent=1))
        out = Path(__file__).parent / "results"
        out.mkdir(exist_ok=True)
        name = f"sensors-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
        (out / name).write_text(json.dumps(result, indent=1))
        return result
    finally:
        await Tortoise.close_connections()
        if not args.keep:
            await drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=60)
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    os.environ.setdefault("CH_ARGON2_TIME_COST", "1")
    os.environ.setdefault("CH_ARGON2_MEMORY_KIB", "1024")
    os.environ["CH_DB_POOL_MAX"] = str(args.clients + 2)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
