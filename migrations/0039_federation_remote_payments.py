"""Payments across links to other installations (issue 22): each side's stored state machine
(app/federation/protocol.py), one row per payment per side."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import UniqueConstraint

from app.federation.models import PaymentRole, PaymentState


class Migration(BaseMigration):
    dependencies = [('models', '0038_federation_links')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RemotePayment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('link', fields.ForeignKeyField('models.HubLink', source_field='link_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('payment_id', fields.UUIDField()),
                ('role', fields.CharEnumField(description='PAYER: payer\nPAYEE: payee', enum_type=PaymentRole, max_length=5)),
                ('state', fields.CharEnumField(description='PREPARING: preparing\nPREPARED: prepared\nCOMMITTING: committing\nVOIDING: voiding\nCOMMITTED: committed\nVOIDED: voided', enum_type=PaymentState, max_length=10)),
                ('amount', fields.BigIntField()),
                ('partner_amount', fields.BigIntField()),
                ('member_id', fields.BigIntField()),
                ('remote_member_id', fields.BigIntField()),
                ('hold_id', fields.BigIntField(null=True)),
                ('category', fields.CharField(default='', max_length=60)),
                ('memo', fields.CharField(default='', max_length=280)),
                ('refusal', fields.CharField(null=True, max_length=40)),
                ('deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'federation_payment', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'payment_id'), name='federation_payment_uniq')], 'indexes': [Index(fields=['state', 'updated_at'])], 'pk_attr': 'id', 'table_description': 'One payment across a link to another installation, as this side knows it: a stored'},
            bases=['Base'],
        ),
    ]
