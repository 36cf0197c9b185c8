"""Notifications about shared assets (issue 13): the asset and the WANTED notice they are about,
new kinds (WANTED_MATCH, GIVEAWAY_REQUESTED, GIVEAWAY_CHOSEN, GIVEAWAY_DECLINED, OFF_SITE_SHARE),
and a listing announced at most once per WANTED notice (notification_wanted_once)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.matching.models import NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

class Migration(BaseMigration):
    dependencies = [('models', '0014_account_limit_lowered')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share', enum_type=NotificationKind, max_length=24),
        ),
        ops.AddField(
            model_name='Notification',
            name='asset',
            field=fields.ForeignKeyField('models.Asset', source_field='asset_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Notification',
            name='wanted_notice',
            field=fields.ForeignKeyField('models.WantedNotice', source_field='wanted_notice_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
        ops.AddConstraint(
            model_name='Notification',
            constraint=UniqueConstraint(fields=('hub_id', 'wanted_notice_id', 'asset_id'), name='notification_wanted_once'),
        ),
    ]
