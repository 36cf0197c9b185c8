"""The environmental map layer: recent averages per area cell from the hourly aggregate,
cells with fewer distinct owners (members or organisations) than the hub's k withheld
(app/privacy.py). Never a device's place: cells are ~5 km² (H3 resolution 7)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import h3
from tortoise import Tortoise

from app import privacy
from app.civic.errors import CivicErrorCode as E
from app.errors import DomainError
from app.hubs.models import Hub
from app.i18n import _

MAX_HOURS = 24 * 7

_LAYER = """
WITH sums AS (
  SELECT cell7, sum(n_noise) AS n_noise, sum(sum_noise) AS sum_noise,
    sum(n_pm25) AS n_pm25, sum(sum_pm25) AS sum_pm25, sum(n_pm10) AS n_pm10,
    sum(sum_pm10) AS sum_pm10, sum(n_temperature) AS n_temperature,
    sum(sum_temperature) AS sum_temperature, sum(n_humidity) AS n_humidity,
    sum(sum_humidity) AS sum_humidity
  FROM sensor_hourly WHERE hub_id = $1 AND hour >= $2 GROUP BY cell7
), people AS (
  SELECT dh.cell7, count(DISTINCT dh.device_id) AS devices,
    count(DISTINCT coalesce('o' || d.organisation_id, 'm' || d.owner_id)) AS owners
  FROM sensor_device_hour dh JOIN sensor_device d ON d.id = dh.device_id
  WHERE dh.hub_id = $1 AND dh.hour >= $2 GROUP BY dh.cell7
)
SELECT s.*, p.devices, p.owners FROM sums s JOIN people p USING (cell7)
WHERE p.owners >= $3 ORDER BY s.cell7
"""


@dataclass(frozen=True)
class EnvironmentCell:
    cell: str
    lat: float
    lng: float
    devices: int
    noise_db: float | None
    pm25: float | None
    pm10: float | None
    temperature: float | None
    humidity: float | None


def _mean(row: dict, name: str) -> float | None:  # type: ignore[type-arg]
    n = row[f"n_{name}"]
    return round(float(row[f"sum_{name}"]) / float(n), 2) if n else None


async def layer(*, hub: Hub, hours: int = 24, now: datetime | None = None) -> list[EnvironmentCell]:
    """Averages over the last `hours` whole hours (the current one included)."""
    if not 1 <= hours <= MAX_HOURS:
        raise DomainError(E.INVALID, _("hours is from 1 to {n}.", n=MAX_HOURS), "hours")
    now = now or datetime.now(UTC)
    since = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        _LAYER, [hub.id, since, privacy.k_of(hub)]
    )
    found = []
    for row in rows:
        lat, lng = h3.cell_to_latlng(row["cell7"])
        found.append(
            EnvironmentCell(
                cell=row["cell7"],
                lat=round(lat, 6),
                lng=round(lng, 6),
                devices=int(row["devices"]),
                noise_db=_mean(row, "noise"),
                pm25=_mean(row, "pm25"),
                pm10=_mean(row, "pm10"),
                temperature=_mean(row, "temperature"),
                humidity=_mean(row, "humidity"),
            )
        )
    return found
