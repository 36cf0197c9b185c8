from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(BaseMigration):
    dependencies = [('models', '0043_civic_ideas')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SensorDevice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('models.Member', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=80)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('lat', fields.FloatField()),
                ('lng', fields.FloatField()),
                ('cell7', fields.CharField(max_length=16)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'sensor_device', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'owner_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='SensorDeviceHour',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub_id', fields.BigIntField()),
                ('cell7', fields.CharField(max_length=16)),
                ('hour', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('device_id', fields.BigIntField()),
            ],
            options={'table': 'sensor_device_hour', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'cell7', 'hour', 'device_id'), name='sensor_device_hour_once')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='SensorHourly',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub_id', fields.BigIntField()),
                ('cell7', fields.CharField(max_length=16)),
                ('hour', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('devices', fields.IntField(default=0)),
                ('owners', fields.IntField(default=0)),
                ('n_noise', fields.BigIntField(default=0)),
                ('sum_noise', fields.FloatField(default=0)),
                ('n_pm25', fields.BigIntField(default=0)),
                ('sum_pm25', fields.FloatField(default=0)),
                ('n_pm10', fields.BigIntField(default=0)),
                ('sum_pm10', fields.FloatField(default=0)),
                ('n_temperature', fields.BigIntField(default=0)),
                ('sum_temperature', fields.FloatField(default=0)),
                ('n_humidity', fields.BigIntField(default=0)),
                ('sum_humidity', fields.FloatField(default=0)),
            ],
            options={'table': 'sensor_hourly', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'cell7', 'hour'), name='sensor_hourly_cell_hour')], 'indexes': [Index(fields=['hub_id', 'hour'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='SensorReading',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub_id', fields.BigIntField()),
                ('device_id', fields.BigIntField()),
                ('measured_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cell7', fields.CharField(max_length=16)),
                ('noise_db', fields.FloatField(null=True)),
                ('pm25', fields.FloatField(null=True)),
                ('pm10', fields.FloatField(null=True)),
                ('temperature', fields.FloatField(null=True)),
                ('humidity', fields.FloatField(null=True)),
            ],
            options={'table': 'sensor_reading', 'app': 'models', 'constraints': [UniqueConstraint(fields=('device_id', 'measured_at'), name='sensor_reading_once')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='SensorRollup',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_reading_id', fields.BigIntField(default=0)),
                ('took_ms', fields.IntField(default=0)),
                ('rows', fields.BigIntField(default=0)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sensor_rollup', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Where the incremental rollup stopped: the last reading id it has added in.'},
            bases=['Base'],
        ),
    ]
