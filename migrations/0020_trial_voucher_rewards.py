"""A trial's voucher reward: the business's voucher offer (trial.reward_offer), the voucher
reserved at selection (trial_application.voucher_reserved_at), the voucher issued with the
first report (trial_report.reward_voucher, unique: once per report); a voucher given free has
no purchase transfer (voucher.transfer_id becomes nullable)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(BaseMigration):
    dependencies = [('models', '0019_badges')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Trial',
            name='reward_offer',
            field=fields.ForeignKeyField('models.VoucherOffer', source_field='reward_offer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='TrialApplication',
            name='voucher_reserved_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='TrialReport',
            name='reward_voucher',
            field=fields.ForeignKeyField('models.Voucher', source_field='reward_voucher_id', null=True, unique=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='Voucher',
            name='transfer',
            field=fields.ForeignKeyField('models.Transfer', source_field='transfer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
    ]
