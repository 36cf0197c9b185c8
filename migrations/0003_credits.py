from tortoise.migrations import operations as ops
from app.credits.models import AccountKind, SystemAccount, TransferKind, TransferStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration


class Migration(BaseMigration):
    dependencies = [('models', '0002_opportunities')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='MEMBER: member\nORGANISATION: organisation\nSYSTEM: system', enum_type=AccountKind, max_length=12)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('system', fields.CharEnumField(null=True, description='ISSUANCE: issuance\nMATCH_FUNDS: match_funds\nCAMPAIGN_ESCROW: campaign_escrow\nVOUCHER_SETTLEMENT: voucher_settlement', enum_type=SystemAccount, max_length=20)),
                ('balance', fields.BigIntField(default=0)),
                ('held', fields.BigIntField(default=0)),
                ('overdraft_limit', fields.BigIntField(null=True, default=0)),
            ],
            options={'table': 'account', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id'), name='account_member_uniq'), UniqueConstraint(fields=('hub_id', 'organisation_id'), name='account_organisation_uniq'), UniqueConstraint(fields=('hub_id', 'system'), name='account_system_uniq'), CheckConstraint(check='held >= 0', name='account_held_not_negative'), CheckConstraint(check='overdraft_limit IS NULL OR balance - held >= -overdraft_limit', name='account_within_limit')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='IdempotencyKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=100)),
                ('operation', fields.CharField(max_length=40)),
                ('request_hash', fields.CharField(max_length=64)),
                ('result', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'idempotency_key', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id', 'key'), name='idempotency_key_uniq')], 'pk_attr': 'id', 'table_description': 'The first result of a money-moving request, kept so a retry returns it again.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Transfer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='EARN: earn\nEXCHANGE: exchange\nVOUCHER: voucher\nREFUND: refund\nPLEDGE: pledge\nREVERSAL: reversal\nADJUSTMENT: adjustment', enum_type=TransferKind, max_length=12)),
                ('status', fields.CharEnumField(description='PENDING: pending\nPOSTED: posted\nVOIDED: voided', enum_type=TransferStatus, max_length=8)),
                ('amount', fields.BigIntField()),
                ('source', fields.ForeignKeyField('models.Account', source_field='source_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('destination', fields.ForeignKeyField('models.Account', source_field='destination_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('memo', fields.CharField(default='', max_length=280)),
                ('category', fields.CharField(default='', max_length=60)),
                ('group', fields.UUIDField(null=True)),
                ('reference', fields.CharField(null=True, max_length=80)),
                ('reverses', fields.ForeignKeyField('models.Transfer', source_field='reverses_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('initiated_by', fields.ForeignKeyField('models.Member', source_field='initiated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('hold_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('posted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('voided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'transfer', 'app': 'models', 'constraints': [CheckConstraint(check='amount > 0', name='transfer_amount_positive'), CheckConstraint(check='source_id <> destination_id', name='transfer_not_to_itself'), UniqueConstraint(fields=('hub_id', 'reference'), name='transfer_reference_uniq')], 'indexes': [Index(fields=['hub_id', 'status', 'hold_expires_at']), Index(fields=['hub_id', 'group'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Entry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('transfer', fields.ForeignKeyField('models.Transfer', source_field='transfer_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('balance_after', fields.BigIntField()),
                ('category', fields.CharField(default='', max_length=60)),
            ],
            options={'table': 'entry', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'account_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One side of a posted transfer: append-only; corrections are reversing transfers.'},
            bases=['Base'],
        ),
        AddFieldWithDatabaseDefault(
            model_name='Hub',
            name='member_overdraft_limit',
            field=fields.BigIntField(default=0),
            sql='ALTER TABLE hub ADD COLUMN member_overdraft_limit BIGINT NOT NULL DEFAULT 0',
        ),
    ]
