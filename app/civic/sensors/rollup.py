"""The hourly aggregate per area cell, rolled up incrementally: each run adds in only the
readings stored since the last run (by id), never recomputing what it has.

A run takes readings with ids above its mark and stored at least LAG ago (an ingest is one
short statement, so by then every smaller id has committed), adds their sums and counts into
`sensor_hourly` (INSERT ... ON CONFLICT DO UPDATE adding to the row), records the devices of
each cell and hour in `sensor_device_hour`, recounts the devices and owners of the cells and
hours it touched, and moves the mark, all in one transaction under an advisory lock (a
second worker's run returns at once). Readings that arrive late for an old hour are added to
that hour's row: nothing is lost or counted twice.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

LAG = timedelta(seconds=10)
MAX_ROWS = 2_000_000  # per run: a backlog is worked off over several runs
_LOCK = 0x53454E53  # "SENS"

_MARK = """
INSERT INTO sensor_rollup (id, created_at, last_reading_id, took_ms, rows)
VALUES (1, now(), 0, 0, 0) ON CONFLICT (id) DO NOTHING
"""
_UPPER = """
SELECT coalesce(max(id), $1)::bigint AS upper FROM (
  SELECT id FROM sensor_reading WHERE id > $1 AND created_at < now() - make_interval(secs => $2)
  ORDER BY id LIMIT $3
) r
"""
_DEVICE_HOURS = """
INSERT INTO sensor_device_hour (hub_id, cell7, hour, device_id, created_at)
SELECT DISTINCT hub_id, cell7, date_trunc('hour', measured_at), device_id, now()
FROM sensor_reading WHERE id > $1 AND id <= $2
ON CONFLICT (hub_id, cell7, hour, device_id) DO NOTHING
"""
_SUMS = """
INSERT INTO sensor_hourly AS h (
  hub_id, cell7, hour, created_at, devices, owners,
  n_noise, sum_noise, n_pm25, sum_pm25, n_pm10, sum_pm10,
  n_temperature, sum_temperature, n_humidity, sum_humidity)
SELECT hub_id, cell7, date_trunc('hour', measured_at), now(), 0, 0,
  count(noise_db), coalesce(sum(noise_db), 0), count(pm25), coalesce(sum(pm25), 0),
  count(pm10), coalesce(sum(pm10), 0), count(temperature), coalesce(sum(temperature), 0),
  count(humidity), coalesce(sum(humidity), 0)
FROM sensor_reading WHERE id > $1 AND id <= $2
GROUP BY 1, 2, 3
ON CONFLICT (hub_id, cell7, hour) DO UPDATE SET
  n_noise = h.n_noise + excluded.n_noise, sum_noise = h.sum_noise + excluded.sum_noise,
  n_pm25 = h.n_pm25 + excluded.n_pm25, sum_pm25 = h.sum_pm25 + excluded.sum_pm25,
  n_pm10 = h.n_pm10 + excluded.n_pm10, sum_pm10 = h.sum_pm10 + excluded.sum_pm10,
  n_temperature = h.n_temperature + excluded.n_temperature,
  sum_temperature = h.sum_temperature + excluded.sum_temperature,
  n_humidity = h.n_humidity + excluded.n_humidity,
  sum_humidity = h.sum_humidity + excluded.sum_humidity
RETURNING 1
"""
_SUMMED = "WITH s AS (" + _SUMS + ") SELECT count(*)::bigint AS n FROM s"
_RECOUNT = """
WITH touched AS (
  SELECT DISTINCT hub_id, cell7, date_trunc('hour', measured_at) AS hour
  FROM sensor_reading WHERE id > $1 AND id <= $2
), counted AS (
  SELECT t.hub_id, t.cell7, t.hour, count(*) AS devices,
    count(DISTINCT coalesce('o' || d.organisation_id, 'm' || d.owner_id)) AS owners
  FROM touched t
  JOIN sensor_device_hour dh ON (dh.hub_id, dh.cell7, dh.hour) = (t.hub_id, t.cell7, t.hour)
  JOIN sensor_device d ON d.id = dh.device_id
  GROUP BY 1, 2, 3
)
UPDATE sensor_hourly h SET devices = c.devices, owners = c.owners
FROM counted c WHERE (h.hub_id, h.cell7, h.hour) = (c.hub_id, c.cell7, c.hour)
"""


@dataclass(frozen=True)
class Rolled:
    readings_to: int
    rows: int  # hourly rows added to or made
    took_ms: int


async def rollup(lag: timedelta = LAG) -> Rolled | None:
    """Adds the readings stored since the last run; None when another run holds the lock."""
    async with in_transaction() as tx:
        got = await tx.execute_query_dict("SELECT pg_try_advisory_xact_lock($1) AS got", [_LOCK])
        if not got[0]["got"]:
            return None
        clock = time.perf_counter()
        await tx.execute_query(_MARK)
        mark = await tx.execute_query_dict(
            "SELECT last_reading_id FROM sensor_rollup WHERE id = 1 FOR UPDATE"
        )
        low = int(mark[0]["last_reading_id"])
        upper = await tx.execute_query_dict(_UPPER, [low, lag.total_seconds(), MAX_ROWS])
        high = int(upper[0]["upper"])
        rows = 0
        if high > low:
            await tx.execute_query(_DEVICE_HOURS, [low, high])
            summed = await tx.execute_query_dict(_SUMMED, [low, high])
            rows = int(summed[0]["n"])
            await tx.execute_query(_RECOUNT, [low, high])
        took = int((time.perf_counter() - clock) * 1000)
        await tx.execute_query(
            "UPDATE sensor_rollup SET last_reading_id = $1, took_ms = $2, rows = $3,"
            " finished_at = $4 WHERE id = 1",
            [high, took, rows, datetime.now(UTC)],
        )
    return Rolled(readings_to=high, rows=rows, took_ms=took)
