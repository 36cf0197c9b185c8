from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.credits.models import RequestStatus, ShareStatus, VoucherStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

class Migration(BaseMigration):
    dependencies = [('models', '0003_credits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PaymentRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('requester', fields.ForeignKeyField('models.Member', source_field='requester_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('memo', fields.CharField(default='', max_length=280)),
                ('category', fields.CharField(default='', max_length=60)),
                ('status', fields.CharEnumField(default=RequestStatus.PENDING, description='PENDING: pending\nCOMPLETED: completed\nDECLINED: declined\nCANCELLED: cancelled\nEXPIRED: expired', enum_type=RequestStatus, max_length=10)),
                ('group', fields.UUIDField()),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payment_request', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'requester_id']), Index(fields=['status', 'expires_at'])], 'pk_attr': 'id', 'table_description': 'A member asks one or more payers to pay for a service; it completes atomically.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='PaymentShare',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('request', fields.ForeignKeyField('models.PaymentRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='shares', on_delete=OnDelete.RESTRICT)),
                ('payer', fields.ForeignKeyField('models.Member', source_field='payer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('status', fields.CharEnumField(default=ShareStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nDECLINED: declined', enum_type=ShareStatus, max_length=10)),
                ('hold', fields.ForeignKeyField('models.Transfer', source_field='hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'payment_share', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'request_id', 'payer_id'), name='payment_share_uniq'), CheckConstraint(check='amount > 0', name='payment_share_amount_positive')], 'indexes': [Index(fields=['hub_id', 'payer_id', 'status'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='VoucherOffer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('cost', fields.BigIntField()),
                ('stock', fields.IntField()),
                ('per_member_limit', fields.IntField(default=1)),
                ('valid_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('voucher_days', fields.IntField(default=30)),
                ('refund_unused', fields.BooleanField(default=False)),
                ('active', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'voucher_offer', 'app': 'models', 'constraints': [CheckConstraint(check='cost > 0', name='voucher_offer_cost_positive'), CheckConstraint(check='stock >= 0', name='voucher_offer_stock_not_negative'), CheckConstraint(check='per_member_limit >= 1', name='voucher_offer_limit_positive')], 'indexes': [Index(fields=['hub_id', 'active', 'valid_until']), Index(fields=['hub_id', 'organisation_id'])], 'pk_attr': 'id', 'table_description': 'What a local business gives for credits: stock, validity, a limit per member.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Voucher',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('offer', fields.ForeignKeyField('models.VoucherOffer', source_field='offer_id', db_constraint=True, to_field='id', related_name='vouchers', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('status', fields.CharEnumField(default=VoucherStatus.ISSUED, description='ISSUED: issued\nUSED: used\nREFUNDED: refunded\nEXPIRED: expired', enum_type=VoucherStatus, max_length=10)),
                ('transfer', fields.ForeignKeyField('models.Transfer', source_field='transfer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('refund', fields.ForeignKeyField('models.Transfer', source_field='refund_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('used_by', fields.ForeignKeyField('models.Member', source_field='used_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'voucher', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'member_id', 'offer_id']), Index(fields=['status', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
    ]
