"""Crowd buying and community projects (issue 14): campaigns (group buys and projects), pledges
that hold credits, match pots and their shares, in-kind pledges, updates, group-buy orders; the
campaign notification kinds, told at most once per member and `data.once` key
(notification_campaign_once, so a settlement batch or a notify job that runs again adds none)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.campaigns.models import CampaignKind, CampaignStatus, InKindKind, InKindStatus, OrderStatus, PledgeStatus
from app.matching.models import NotificationKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

NOTIFY_ONCE_SQL = """
CREATE UNIQUE INDEX notification_campaign_once ON notification (hub_id, member_id, (data->>'once'))
    WHERE data ? 'once';
"""
NOTIFY_ONCE_REVERSE_SQL = "DROP INDEX IF EXISTS notification_campaign_once;"


class Migration(BaseMigration):
    dependencies = [('models', '0016_lending')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GROUP_BUY: group_buy\nPROJECT: project', enum_type=CampaignKind, max_length=10)),
                ('status', fields.CharEnumField(default=CampaignStatus.DRAFT, description='DRAFT: draft\nOPEN: open\nTIPPED: tipped\nSUCCEEDED: succeeded\nFAILED: failed\nCANCELLED: cancelled', enum_type=CampaignStatus, max_length=10)),
                ('title', fields.CharField(max_length=160)),
                ('story', fields.TextField(default='', unique=False)),
                ('owner_member', fields.ForeignKeyField('models.Member', source_field='owner_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner_organisation', fields.ForeignKeyField('models.Organisation', source_field='owner_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('supplier', fields.ForeignKeyField('models.Organisation', source_field='supplier_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('recipient_account', fields.ForeignKeyField('models.Account', source_field='recipient_account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('unit_price', fields.BigIntField(null=True)),
                ('tipping_units', fields.IntField(null=True)),
                ('max_units', fields.IntField(null=True)),
                ('target', fields.BigIntField(null=True)),
                ('deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('count_in_kind', fields.BooleanField(default=False)),
                ('hold_group', fields.UUIDField()),
                ('pledged', fields.BigIntField(default=0)),
                ('units', fields.IntField(default=0)),
                ('backers', fields.IntField(default=0)),
                ('matched', fields.BigIntField(default=0)),
                ('in_kind', fields.BigIntField(default=0)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tipped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'campaign', 'app': 'models', 'constraints': [CheckConstraint(check='pledged >= 0 AND matched >= 0', name='campaign_totals_ok'), CheckConstraint(check='max_units IS NULL OR units <= max_units', name='campaign_within_max')], 'indexes': [Index(fields=['hub_id', 'status', 'deadline']), Index(fields=['status', 'deadline'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='CampaignUpdate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=160)),
                ('body', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'campaign_update', 'app': 'models', 'indexes': [Index(fields=['campaign_id', 'id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='InKindPledge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='HOURS: hours\nITEM: item', enum_type=InKindKind, max_length=6)),
                ('status', fields.CharEnumField(default=InKindStatus.ACTIVE, description='ACTIVE: active\nWITHDRAWN: withdrawn\nACCEPTED: accepted\nLAPSED: lapsed', enum_type=InKindStatus, max_length=10)),
                ('minutes', fields.IntField(default=0)),
                ('skill', fields.ForeignKeyField('models.Skill', source_field='skill_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('description', fields.CharField(default='', max_length=280)),
                ('value', fields.BigIntField()),
                ('anonymous', fields.BooleanField(default=False)),
                ('application', fields.ForeignKeyField('models.Application', source_field='application_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'campaign_in_kind', 'app': 'models', 'constraints': [CheckConstraint(check='value > 0 AND minutes >= 0', name='in_kind_value_positive')], 'indexes': [Index(fields=['campaign_id', 'status']), Index(fields=['hub_id', 'member_id'])], 'pk_attr': 'id', 'table_description': "Hours of volunteering (with a skill) or an item, valued at the hub's rate."},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='MatchPot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('funder', fields.ForeignKeyField('models.Organisation', source_field='funder_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('ratio_num', fields.IntField(default=1)),
                ('ratio_den', fields.IntField(default=1)),
                ('cap_per_backer', fields.BigIntField(null=True)),
                ('total_cap', fields.BigIntField()),
                ('areas', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('matched', fields.BigIntField(default=0)),
            ],
            options={'table': 'campaign_match_pot', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'campaign_id', 'funder_id'), name='match_pot_once'), CheckConstraint(check='matched >= 0 AND matched <= total_cap', name='match_pot_cap'), CheckConstraint(check='ratio_num > 0 AND ratio_den > 0', name='match_pot_ratio')], 'pk_attr': 'id', 'table_description': 'A funder matches pledges: `ratio_num` credits per `ratio_den` pledged, capped.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Pledge',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=PledgeStatus.ACTIVE, description='ACTIVE: active\nWITHDRAWN: withdrawn\nCAPTURED: captured\nRELEASED: released', enum_type=PledgeStatus, max_length=10)),
                ('amount', fields.BigIntField(default=0)),
                ('units', fields.IntField(default=0)),
                ('matched', fields.BigIntField(default=0)),
                ('hold', fields.ForeignKeyField('models.Transfer', source_field='hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('anonymous', fields.BooleanField(default=False)),
                ('cell', fields.CharField(null=True, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'campaign_pledge', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'campaign_id', 'account_id'), name='campaign_pledge_once'), CheckConstraint(check='amount >= 0 AND units >= 0', name='campaign_pledge_not_negative')], 'indexes': [Index(fields=['campaign_id', 'status', 'id']), Index(fields=['hub_id', 'member_id', 'id'])], 'pk_attr': 'id', 'table_description': "A backer's credits for a campaign: one per account and campaign, held until settled."},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='GroupBuyOrder',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('pledge', fields.ForeignKeyField('models.Pledge', source_field='pledge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('supplier', fields.ForeignKeyField('models.Organisation', source_field='supplier_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('units', fields.IntField()),
                ('unit_price', fields.BigIntField()),
                ('total', fields.BigIntField()),
                ('code', fields.CharField(max_length=16)),
                ('status', fields.CharEnumField(default=OrderStatus.OPEN, description='OPEN: open\nFULFILLED: fulfilled', enum_type=OrderStatus, max_length=10)),
                ('fulfilled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('fulfilled_by', fields.ForeignKeyField('models.Member', source_field='fulfilled_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'group_buy_order', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'pledge_id'), name='group_buy_order_once'), UniqueConstraint(fields=('hub_id', 'code'), name='group_buy_order_code_uniq')], 'indexes': [Index(fields=['hub_id', 'supplier_id', 'id']), Index(fields=['hub_id', 'member_id', 'id'])], 'pk_attr': 'id', 'table_description': "A backer's order from a group buy that succeeded; the supplier redeems it by its code."},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='MatchShare',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('pot', fields.ForeignKeyField('models.MatchPot', source_field='pot_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('pledge', fields.ForeignKeyField('models.Pledge', source_field='pledge_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField(default=0)),
                ('hold', fields.ForeignKeyField('models.Transfer', source_field='hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'campaign_match_share', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'pot_id', 'pledge_id'), name='match_share_once')], 'indexes': [Index(fields=['pledge_id'])], 'pk_attr': 'id', 'table_description': 'What one pot matches of one pledge: held from the funder, moved with the pledge.'},
            bases=['Base'],
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share\nCAMPAIGN_UPDATE: campaign_update\nCAMPAIGN_TIPPED: campaign_tipped\nCAMPAIGN_SUCCEEDED: campaign_succeeded\nCAMPAIGN_FAILED: campaign_failed', enum_type=NotificationKind, max_length=24),
        ),
        ops.RunSQL(sql=NOTIFY_ONCE_SQL, reverse_sql=NOTIFY_ONCE_REVERSE_SQL),
    ]
