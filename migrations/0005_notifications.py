from tortoise.migrations import operations as ops
from app.matching.models import Delivery, NotificationKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration


class Migration(BaseMigration):
    dependencies = [('models', '0004_vouchers_and_payment_requests')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match', enum_type=NotificationKind, max_length=24)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('reason', fields.CharField(default='', max_length=300)),
                ('delivery', fields.CharEnumField(default=Delivery.NOW, description='NOW: now\nDIGEST: digest', enum_type=Delivery, max_length=8)),
                ('score', fields.FloatField(default=0)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'notification', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id', 'kind', 'opportunity_id'), name='notification_once')], 'indexes': [Index(fields=['hub_id', 'member_id', 'created_at']), Index(fields=['hub_id', 'member_id', 'read_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        AddFieldWithDatabaseDefault(
            model_name='Hub',
            name='daily_notification_cap',
            field=fields.IntField(default=3),
            sql='ALTER TABLE hub ADD COLUMN daily_notification_cap INT NOT NULL DEFAULT 3',
        ),
    ]
