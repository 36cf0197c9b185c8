"""A device's batch of readings: checked whole (typed errors naming the reading, nothing
written), then inserted in one statement (unnest of one array per column), idempotent by
(device, time): a batch sent again adds nothing."""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
from tortoise import Tortoise

from app.citydata.metrics import BASE_RESOLUTION
from app.civic import area
from app.civic.errors import CivicErrorCode as E
from app.civic.sensors.devices import device_of_key
from app.civic.sensors.models import SensorDevice
from app.errors import DomainError, DomainErrors, ErrorBag

MAX_BATCH = 1000
CLOCK_SKEW = timedelta(minutes=1)
MAX_AGE = timedelta(days=30)
# (low, high) a real sensor can read: dB(A) of sound in air, µg/m³, °C, % relative humidity.
LIMITS: dict[str, tuple[float, float]] = {
    "noise_db": (0.0, 194.0),
    "pm25": (0.0, 1000.0),
    "pm10": (0.0, 2000.0),
    "temperature": (-90.0, 60.0),
    "humidity": (0.0, 100.0),
}
METRICS = tuple(LIMITS)


@dataclass(frozen=True)
class Batch:
    times: list[datetime]
    cells: list[str]
    values: dict[str, list[float | None]]
    # Readings that give their own place: (field, lat, lng), checked against the hub's area.
    places: list[tuple[str, float, float]] = field(default_factory=list)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _time(raw: Any, where: str, bag: ErrorBag, now: datetime) -> datetime | None:
    if not isinstance(raw, str) or len(raw) > 40:
        bag.add(E.INVALID, "time is an ISO 8601 date and time with its offset.", where)
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        bag.add(E.INVALID, "time is an ISO 8601 date and time with its offset.", where)
        return None
    if value.tzinfo is None:
        bag.add(E.INVALID, "time needs its offset (Z for UTC).", where)
        return None
    if value > now + CLOCK_SKEW:
        bag.add(E.FUTURE_TIME, "This reading's time is in the future.", where)
        return None
    if value < now - MAX_AGE:
        bag.add(E.TOO_OLD, "Readings older than 30 days are not taken.", where)
        return None
    return value.astimezone(UTC)


def check(device: SensorDevice, readings: Any, now: datetime | None = None) -> Batch:
    """The batch as columns, or every problem at once (DomainErrors, fields like
    `readings[3].pm25`)."""
    now = now or datetime.now(UTC)
    if not isinstance(readings, list) or not readings:
        raise DomainError(E.INVALID, "readings is a non-empty list.", "readings")
    if len(readings) > MAX_BATCH:
        raise DomainError(E.INVALID, f"At most {MAX_BATCH} readings a batch.", "readings")
    bag = ErrorBag()
    batch = Batch(times=[], cells=[], values={m: [] for m in METRICS})
    for i, reading in enumerate(readings):
        where = f"readings[{i}]"
        if not isinstance(reading, dict):
            bag.add(E.INVALID, "A reading is an object.", where)
            continue
        unknown = set(reading) - {"time", "lat", "lng", *METRICS}
        if unknown:
            bag.add(E.INVALID, f"Unknown fields: {', '.join(sorted(unknown))[:100]}.", where)
        when = _time(reading.get("time"), f"{where}.time", bag, now)
        present = 0
        for metric, (low, high) in LIMITS.items():
            value = reading.get(metric)
            if value is None:
                batch.values[metric].append(None)
                continue
            present += 1
            if not _number(value) or not low <= value <= high:
                bag.add(
                    E.IMPOSSIBLE_VALUE,
                    f"{metric} must be a number from {low:g} to {high:g}.",
                    f"{where}.{metric}",
                )
            batch.values[metric].append(float(value) if _number(value) else None)
        if not present:
            bag.add(E.INVALID, "A reading has at least one measurement.", where)
        cell = device.cell7
        if reading.get("lat") is not None or reading.get("lng") is not None:
            try:
                lat, lng = area.point(reading.get("lat"), reading.get("lng"), field=where)
                cell = h3.latlng_to_cell(lat, lng, BASE_RESOLUTION)
                batch.places.append((where, lat, lng))
            except DomainError as exc:
                bag.errors.append(exc)
        batch.times.append(when or now)
        batch.cells.append(cell)
    bag.raise_if_any()
    return batch


# One statement per batch: a row per array position; a reading already stored (same device
# and time) is skipped. Starting with WITH, it comes back through asyncpg's fetch.
_INSERT = """
WITH added AS (
  INSERT INTO sensor_reading
    (hub_id, device_id, created_at, measured_at, cell7, noise_db, pm25, pm10, temperature,
     humidity)
  SELECT $1, $2, now(), r.* FROM unnest(
    $3::timestamptz[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
    $9::float8[]
  ) AS r
  ON CONFLICT (device_id, measured_at) DO NOTHING
  RETURNING 1
)
SELECT count(*)::int AS added FROM added
"""


async def ingest(*, key: str, readings: Any, device_id: int | None = None) -> tuple[int, int]:
    """(added, sent) for the key's device. BAD_KEY: no device has it; FORBIDDEN: the batch
    names another device (`device_id`) than the key's; nothing is written on any error."""
    device = await device_of_key(key)
    if device_id is not None and device_id != device.id:
        raise DomainError(E.FORBIDDEN, "This key writes only its own device's readings.", "device")
    batch = check(device, readings)
    await require_places_inside(device.hub_id, batch)
    return await insert(device, batch), len(batch.times)


async def require_places_inside(hub_id: int, batch: Batch) -> None:
    """Every reading's own place in the hub's area (the area read once), or every one that
    is not as an error: a device cannot write into another city's cells."""
    if not batch.places:
        return
    hub_area = await area.HubArea.of(hub_id)
    bag = ErrorBag()
    for where, lat, lng in batch.places:
        with bag.catch():
            hub_area.require_inside(lat, lng, field=where)
    bag.raise_if_any()


async def insert(device: SensorDevice, batch: Batch) -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _INSERT,
        [
            device.hub_id,
            device.id,
            batch.times,
            batch.cells,
            *(batch.values[m] for m in METRICS),
        ],
    )
    return int(rows[0]["added"])


__all__ = ["DomainErrors", "ingest"]
