from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.civic.problems.models import ProblemStatus
from app.matching.models import NotificationKind
from app.people.models import Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

class Migration(BaseMigration):
    dependencies = [('models', '0041_name_translations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CivicSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.OneToOneField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('centre_lat', fields.FloatField(null=True)),
                ('centre_lng', fields.FloatField(null=True)),
                ('radius_km', fields.FloatField(null=True)),
                ('idea_threshold', fields.IntField(default=100)),
                ('idea_window_days', fields.IntField(default=30)),
                ('answer_days', fields.IntField(default=21)),
            ],
            options={'table': 'civic_settings', 'app': 'models', 'pk_attr': 'id', 'table_description': "The hub's area for civic reports is its wards (app/citydata/wards.py) when it has any,"},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ProblemCategory',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('slug', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=120)),
                ('group', fields.CharField(default='', max_length=60)),
            ],
            options={'table': 'problem_category', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'slug'), name='problem_category_hub_slug_uniq')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ProblemReport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('category', fields.ForeignKeyField('models.ProblemCategory', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('reporter', fields.ForeignKeyField('models.Member', source_field='reporter_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('description', fields.TextField(unique=False)),
                ('photo_urls', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('lat', fields.FloatField()),
                ('lng', fields.FloatField()),
                ('public_exact', fields.BooleanField(default=False)),
                ('public_lat', fields.FloatField()),
                ('public_lng', fields.FloatField()),
                ('cell7', fields.CharField(max_length=16)),
                ('address', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(default=ProblemStatus.OPEN, description='OPEN: open\nCONFIRMED: confirmed\nIN_PROGRESS: in_progress\nFIXED: fixed\nCLOSED: closed', enum_type=ProblemStatus, max_length=12)),
                ('close_reason', fields.CharField(default='', max_length=300)),
                ('me_too_count', fields.IntField(default=0)),
                ('status_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('fixed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('api_client_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'problem_report', 'app': 'models', 'constraints': [CheckConstraint(check='me_too_count >= 0', name='problem_report_me_too_not_negative')], 'indexes': [Index(fields=['hub_id', 'category_id', 'created_at']), Index(fields=['hub_id', 'status', 'id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ProblemFollower',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('report', fields.ForeignKeyField('models.ProblemReport', source_field='report_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('me_too', fields.BooleanField(default=False)),
            ],
            options={'table': 'problem_follower', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'report_id', 'member_id'), name='problem_follower_once')], 'pk_attr': 'id', 'table_description': 'A member told about a report\'s updates: its reporter, those who said "me too" (`me_too`)'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ProblemRoute',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('category', fields.ForeignKeyField('models.ProblemCategory', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('cells', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'problem_route', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'category_id'])], 'pk_attr': 'id', 'table_description': "An organisation takes a category's reports in an area (H3 cells of resolution 7; none:"},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ProblemUpdate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('report', fields.ForeignKeyField('models.ProblemReport', source_field='report_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(description='OPEN: open\nCONFIRMED: confirmed\nIN_PROGRESS: in_progress\nFIXED: fixed\nCLOSED: closed', enum_type=ProblemStatus, max_length=12)),
                ('note', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'problem_update', 'app': 'models', 'indexes': [Index(fields=['report_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A status change by the responsible body (the history, and what Open311 calls notes).'},
            bases=['Base'],
        ),
        ops.AlterField(
            model_name='MemberRole',
            name='role',
            field=fields.CharEnumField(description='MEMBER: member\nCOORDINATOR: coordinator\nMODERATOR: moderator\nANALYST: analyst\nHUB_ADMIN: hub_admin\nASSET_MANAGER: asset_manager\nCOUNCIL: council', enum_type=Role, max_length=16),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share\nCAMPAIGN_UPDATE: campaign_update\nCAMPAIGN_TIPPED: campaign_tipped\nCAMPAIGN_SUCCEEDED: campaign_succeeded\nCAMPAIGN_FAILED: campaign_failed\nTRIAL_SELECTED: trial_selected\nJOB_APPLICATION: job_application\nBADGE_AWARDED: badge_awarded\nLEVEL_REACHED: level_reached\nREPORT_OUTCOME: report_outcome\nMODERATION_ACTION: moderation_action\nAPPEAL_DECIDED: appeal_decided\nPROBLEM_UPDATE: problem_update\nIDEA_ANSWER_DUE: idea_answer_due\nIDEA_ANSWERED: idea_answered', enum_type=NotificationKind, max_length=24),
        ),
    ]
