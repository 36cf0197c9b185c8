from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.matching.models import NotificationKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(BaseMigration):
    dependencies = [('models', '0006_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SavedSearch',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=80)),
                ('text', fields.CharField(default='', max_length=200)),
                ('category_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('skill_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('kind', fields.CharField(null=True, max_length=10)),
                ('within_km', fields.FloatField(null=True)),
                ('weekdays', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'saved_search', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'member_id'])], 'pk_attr': 'id', 'table_description': "'Gardening within 3 km at weekends': new matching opportunities notify the member."},
            bases=['Base'],
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search', enum_type=NotificationKind, max_length=24),
        ),
        ops.AddField(
            model_name='Notification',
            name='digested_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
