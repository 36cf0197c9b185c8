"""Product trials (trials, applications, reports and their ratings) and paid jobs with their
applications (issue 17); the hub's ratings privacy settings (k, area resolution); the trial and
job notification kinds."""

from tortoise.migrations import operations as ops
from app.matching.models import NotificationKind
from app.paidjobs.models import Contract, JobApplicationStatus, PaidJobStatus, PayPeriod
from app.trials.models import Selection, TrialApplicationStatus, TrialStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration

class Migration(BaseMigration):
    dependencies = [('models', '0017_campaigns')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PaidJob',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=160)),
                ('description', fields.TextField(default='', unique=False)),
                ('pay_min', fields.BigIntField()),
                ('pay_max', fields.BigIntField()),
                ('pay_period', fields.CharEnumField(description='HOUR: hour\nDAY: day\nWEEK: week\nMONTH: month\nYEAR: year', enum_type=PayPeriod, max_length=8)),
                ('currency', fields.CharField(default='GBP', max_length=3)),
                ('hours_per_week', fields.FloatField(null=True)),
                ('contract', fields.CharEnumField(description='PERMANENT: permanent\nFIXED_TERM: fixed_term\nTEMPORARY: temporary\nPART_TIME: part_time\nFREELANCE: freelance\nAPPRENTICESHIP: apprenticeship', enum_type=Contract, max_length=16)),
                ('remote', fields.BooleanField(default=False)),
                ('lat', fields.FloatField(null=True)),
                ('lng', fields.FloatField(null=True)),
                ('cell8', fields.CharField(null=True, max_length=16)),
                ('cell6', fields.CharField(null=True, max_length=16)),
                ('cell4', fields.CharField(null=True, max_length=16)),
                ('skill_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=PaidJobStatus.OPEN, description='OPEN: open\nCLOSED: closed\nEXPIRED: expired', enum_type=PaidJobStatus, max_length=8)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'paid_job', 'app': 'models', 'constraints': [CheckConstraint(check='pay_min >= 0 AND pay_min <= pay_max', name='paid_job_pay_ok'), CheckConstraint(check='remote OR (lat IS NOT NULL AND lng IS NOT NULL)', name='paid_job_where')], 'indexes': [Index(fields=['hub_id', 'status', 'closes_at']), Index(fields=['status', 'closes_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='JobApplication',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('job', fields.ForeignKeyField('models.PaidJob', source_field='job_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('cover_note', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=JobApplicationStatus.APPLIED, description='APPLIED: applied\nSHORTLISTED: shortlisted\nOFFERED: offered\nDECLINED: declined\nWITHDRAWN: withdrawn', enum_type=JobApplicationStatus, max_length=12)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'job_application', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'job_id', 'member_id'), name='job_application_once')], 'indexes': [Index(fields=['job_id', 'status', 'id']), Index(fields=['hub_id', 'member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Trial',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.Member', source_field='created_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=160)),
                ('product', fields.CharField(max_length=160)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=TrialStatus.DRAFT, description='DRAFT: draft\nRECRUITING: recruiting\nTESTING: testing\nCLOSED: closed', enum_type=TrialStatus, max_length=12)),
                ('selection', fields.CharEnumField(default=Selection.CHOSEN, description='CHOSEN: chosen\nFIRST_COME: first_come', enum_type=Selection, max_length=12)),
                ('places', fields.IntField()),
                ('selected', fields.IntField(default=0)),
                ('dimensions', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('questions', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('reward_credits', fields.BigIntField(default=0)),
                ('reward_note', fields.CharField(default='', max_length=300)),
                ('lat', fields.FloatField(null=True)),
                ('lng', fields.FloatField(null=True)),
                ('within_km', fields.FloatField(null=True)),
                ('min_age', fields.IntField(null=True)),
                ('max_age', fields.IntField(null=True)),
                ('interests', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('skill_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('checks', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('publish_ratings', fields.BooleanField(default=False)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('testing_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'trial', 'app': 'models', 'constraints': [CheckConstraint(check='places BETWEEN 1 AND 100000 AND selected BETWEEN 0 AND places', name='trial_places_ok'), CheckConstraint(check='jsonb_array_length(dimensions) BETWEEN 1 AND 8', name='trial_dimensions_1_8'), CheckConstraint(check='reward_credits >= 0', name='trial_reward_ok')], 'indexes': [Index(fields=['hub_id', 'status', 'closes_at']), Index(fields=['hub_id', 'organisation_id', 'id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='TrialApplication',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('trial', fields.ForeignKeyField('models.Trial', source_field='trial_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=TrialApplicationStatus.APPLIED, description='APPLIED: applied\nSELECTED: selected\nDECLINED: declined\nWITHDRAWN: withdrawn', enum_type=TrialApplicationStatus, max_length=10)),
                ('note', fields.CharField(default='', max_length=1000)),
                ('reward_hold', fields.ForeignKeyField('models.Transfer', source_field='reward_hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('selected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'trial_application', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'trial_id', 'member_id'), name='trial_application_once')], 'indexes': [Index(fields=['trial_id', 'status', 'id']), Index(fields=['hub_id', 'member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='TrialReport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('trial', fields.ForeignKeyField('models.Trial', source_field='trial_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('application', fields.ForeignKeyField('models.TrialApplication', source_field='application_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('comment', fields.TextField(default='', unique=False)),
                ('answers', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('photos', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('share_identity', fields.BooleanField(default=False)),
                ('cell5', fields.CharField(null=True, max_length=16)),
                ('cell6', fields.CharField(null=True, max_length=16)),
                ('cell7', fields.CharField(null=True, max_length=16)),
                ('age_band', fields.CharField(null=True, max_length=8)),
                ('reward_transfer', fields.ForeignKeyField('models.Transfer', source_field='reward_transfer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'trial_report', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'trial_id', 'member_id'), name='trial_report_once')], 'indexes': [Index(fields=['trial_id', 'id'])], 'pk_attr': 'id', 'table_description': "A tester's report: one per tester and trial, editable until the window closes. The"},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='TrialRating',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('trial', fields.ForeignKeyField('models.Trial', source_field='trial_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('report', fields.ForeignKeyField('models.TrialReport', source_field='report_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('dimension', fields.SmallIntField()),
                ('score', fields.SmallIntField()),
            ],
            options={'table': 'trial_rating', 'app': 'models', 'constraints': [CheckConstraint(check='score BETWEEN 1 AND 5', name='trial_rating_1_5'), CheckConstraint(check='dimension BETWEEN 0 AND 7', name='trial_rating_dimension'), UniqueConstraint(fields=('report_id', 'dimension'), name='trial_rating_once')], 'indexes': [Index(fields=['trial_id', 'dimension', 'score'])], 'pk_attr': 'id', 'table_description': "One dimension's score in a report (1-5): the rows the ratings queries aggregate."},
            bases=['Base'],
        ),
        AddFieldWithDatabaseDefault(
            model_name='Hub',
            name='ratings_cell_resolution',
            field=fields.SmallIntField(default=6),
            sql='ALTER TABLE hub ADD COLUMN ratings_cell_resolution SMALLINT NOT NULL DEFAULT 6',
        ),
        AddFieldWithDatabaseDefault(
            model_name='Hub',
            name='ratings_min_group',
            field=fields.IntField(default=10),
            sql='ALTER TABLE hub ADD COLUMN ratings_min_group INT NOT NULL DEFAULT 10',
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share\nCAMPAIGN_UPDATE: campaign_update\nCAMPAIGN_TIPPED: campaign_tipped\nCAMPAIGN_SUCCEEDED: campaign_succeeded\nCAMPAIGN_FAILED: campaign_failed\nTRIAL_SELECTED: trial_selected\nJOB_APPLICATION: job_application', enum_type=NotificationKind, max_length=24),
        ),
    ]
