"""Sensor devices, their readings, and the hourly aggregate per area cell.

Readings keep only their area cell (H3 resolution 7), never a point: a device's exact place
is its owner's alone. The hourly aggregate (`sensor_hourly`) is rolled up incrementally from
the readings added since the last rollup (app/civic/sensors/rollup.py), with the distinct
devices of each cell and hour in `sensor_device_hour` for small-group suppression.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class SensorDevice(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    # The member who registered it; with an organisation, the organisation owns it.
    owner: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    owner_id: int
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organisation_id: int | None
    name = fields.CharField(max_length=80)
    key_hash = fields.CharField(max_length=64, unique=True)  # SHA-256 of the key, shown once
    lat = fields.FloatField()  # private: the owner's
    lng = fields.FloatField()
    cell7 = fields.CharField(max_length=16)
    active = fields.BooleanField(default=True)
    created_at: datetime

    class Meta:
        table = "sensor_device"
        indexes = (Index(fields=["hub_id", "owner_id"]),)


class SensorReading(Base):
    hub_id = fields.BigIntField()
    device_id = fields.BigIntField()
    measured_at = fields.DatetimeField()
    cell7 = fields.CharField(max_length=16)
    noise_db = fields.FloatField(null=True)
    pm25 = fields.FloatField(null=True)
    pm10 = fields.FloatField(null=True)
    temperature = fields.FloatField(null=True)
    humidity = fields.FloatField(null=True)
    # created_at: when it was ingested (the rollup's lag is measured on it)

    class Meta:
        table = "sensor_reading"
        constraints = (
            UniqueConstraint(fields=("device_id", "measured_at"), name="sensor_reading_once"),
        )


class SensorDeviceHour(Base):
    hub_id = fields.BigIntField()
    cell7 = fields.CharField(max_length=16)
    hour = fields.DatetimeField()
    device_id = fields.BigIntField()

    class Meta:
        table = "sensor_device_hour"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "cell7", "hour", "device_id"), name="sensor_device_hour_once"
            ),
        )


class SensorHourly(Base):
    hub_id = fields.BigIntField()
    cell7 = fields.CharField(max_length=16)
    hour = fields.DatetimeField()
    devices = fields.IntField(default=0)
    owners = fields.IntField(default=0)  # distinct members and organisations behind them
    n_noise = fields.BigIntField(default=0)
    sum_noise = fields.FloatField(default=0)
    n_pm25 = fields.BigIntField(default=0)
    sum_pm25 = fields.FloatField(default=0)
    n_pm10 = fields.BigIntField(default=0)
    sum_pm10 = fields.FloatField(default=0)
    n_temperature = fields.BigIntField(default=0)
    sum_temperature = fields.FloatField(default=0)
    n_humidity = fields.BigIntField(default=0)
    sum_humidity = fields.FloatField(default=0)

    class Meta:
        table = "sensor_hourly"
        constraints = (
            UniqueConstraint(fields=("hub_id", "cell7", "hour"), name="sensor_hourly_cell_hour"),
        )
        indexes = (Index(fields=["hub_id", "hour"]),)


class SensorRollup(Base):
    """Where the incremental rollup stopped: the last reading id it has added in."""

    last_reading_id = fields.BigIntField(default=0)
    took_ms = fields.IntField(default=0)
    rows = fields.BigIntField(default=0)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sensor_rollup"
