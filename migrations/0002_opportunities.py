from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.opportunities.models import ApplicationStatus, OpportunityKind, OpportunityStatus, Urgency
from app.portfolios.models import HoursStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

OPPORTUNITY_SEARCH_SQL = """
ALTER TABLE opportunity ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(area_name, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(description, '')), 'C')
) STORED;
CREATE INDEX opportunity_open_search ON opportunity USING gin (search) WHERE status = 'published';
CREATE INDEX opportunity_open_newest ON opportunity (hub_id, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX opportunity_open_soonest ON opportunity (hub_id, starts_at, id) WHERE status = 'published';
CREATE INDEX opportunity_open_category ON opportunity (hub_id, category_id, published_at DESC) WHERE status = 'published';
CREATE INDEX opportunity_open_cell8 ON opportunity (hub_id, cell8) WHERE status = 'published';
CREATE INDEX opportunity_open_cell6 ON opportunity (hub_id, cell6) WHERE status = 'published';
CREATE INDEX opportunity_open_cell4 ON opportunity (hub_id, cell4) WHERE status = 'published';
CREATE INDEX opportunity_expiring ON opportunity (expires_at) WHERE status IN ('published', 'filled');
"""
OPPORTUNITY_SEARCH_REVERSE_SQL = """
DROP INDEX IF EXISTS opportunity_expiring, opportunity_open_cell4, opportunity_open_cell6,
    opportunity_open_cell8, opportunity_open_category, opportunity_open_soonest,
    opportunity_open_newest, opportunity_open_search;
ALTER TABLE opportunity DROP COLUMN IF EXISTS search;
"""


class Migration(BaseMigration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Category',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('slug', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=80)),
            ],
            options={'table': 'category', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'slug'), name='category_hub_slug_uniq')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Opportunity',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='OFFER: offer\nREQUEST: request', enum_type=OpportunityKind, max_length=10)),
                ('status', fields.CharEnumField(default=OpportunityStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nFILLED: filled\nCLOSED: closed\nCANCELLED: cancelled\nEXPIRED: expired', enum_type=OpportunityStatus, max_length=12)),
                ('title', fields.CharField(max_length=160)),
                ('description', fields.TextField(default='', unique=False)),
                ('category', fields.ForeignKeyField('models.Category', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('poster', fields.ForeignKeyField('models.Member', source_field='poster_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('remote', fields.BooleanField(default=False)),
                ('lat', fields.FloatField(null=True)),
                ('lng', fields.FloatField(null=True)),
                ('address', fields.CharField(default='', max_length=200)),
                ('contact_details', fields.CharField(default='', max_length=500)),
                ('area_name', fields.CharField(default='', max_length=120)),
                ('cell8', fields.CharField(null=True, max_length=16)),
                ('cell6', fields.CharField(null=True, max_length=16)),
                ('cell4', fields.CharField(null=True, max_length=16)),
                ('starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('recurrence', fields.CharField(default='', max_length=200)),
                ('places', fields.IntField(default=1)),
                ('accepted_count', fields.IntField(default=0)),
                ('required_checks', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('min_age', fields.IntField(null=True)),
                ('urgency', fields.CharEnumField(default=Urgency.NORMAL, description='NORMAL: normal\nURGENT: urgent', enum_type=Urgency, max_length=8)),
                ('auto_accept', fields.BooleanField(default=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expiry_reminder_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'opportunity', 'app': 'models', 'constraints': [CheckConstraint(check='places >= 1 AND places <= 10000', name='opportunity_places_range'), CheckConstraint(check='accepted_count >= 0 AND accepted_count <= places', name='opportunity_never_overfilled')], 'indexes': [Index(fields=['hub_id', 'poster_id']), Index(fields=['hub_id', 'organisation_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Application',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('applicant', fields.ForeignKeyField('models.Member', source_field='applicant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('message', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=ApplicationStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nWAITLISTED: waitlisted\nDECLINED: declined\nWITHDRAWN: withdrawn', enum_type=ApplicationStatus, max_length=12)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'application', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'opportunity_id', 'applicant_id'), name='application_once_uniq')], 'indexes': [Index(fields=['hub_id', 'applicant_id']), Index(fields=['hub_id', 'opportunity_id', 'status'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='HoursRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('application', fields.ForeignKeyField('models.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='hours', on_delete=OnDelete.RESTRICT)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('volunteer', fields.ForeignKeyField('models.Member', source_field='volunteer_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('worked_on', fields.DateField()),
                ('minutes', fields.IntField()),
                ('note', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=HoursStatus.PENDING, description='PENDING: pending\nVERIFIED: verified\nDISPUTED: disputed\nREJECTED: rejected', enum_type=HoursStatus, max_length=10)),
                ('reviewed_by', fields.ForeignKeyField('models.Member', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('dispute_reason', fields.CharField(default='', max_length=500)),
                ('resolution_note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'hours_record', 'app': 'models', 'constraints': [CheckConstraint(check='minutes > 0 AND minutes <= 1440', name='hours_minutes_range')], 'indexes': [Index(fields=['hub_id', 'volunteer_id', 'status']), Index(fields=['hub_id', 'application_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OpportunitySkill',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', db_constraint=True, to_field='id', related_name='skill_links', on_delete=OnDelete.CASCADE)),
                ('skill', fields.ForeignKeyField('models.Skill', source_field='skill_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'opportunity_skill', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'opportunity_id', 'skill_id'), name='opportunity_skill_uniq')], 'indexes': [Index(fields=['hub_id', 'skill_id', 'opportunity_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='PortfolioSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('public', fields.BooleanField(default=False)),
                ('share_token', fields.CharField(unique=True, max_length=40)),
            ],
            options={'table': 'portfolio_settings', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id'), name='portfolio_member_uniq')], 'pk_attr': 'id', 'table_description': "Whether a member's volunteer CV is public, and the unguessable token of its URL."},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('application', fields.ForeignKeyField('models.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('subject', fields.ForeignKeyField('models.Member', source_field='subject_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('rating', fields.SmallIntField()),
                ('comment', fields.TextField(default='', unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'review', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'application_id', 'author_id'), name='review_once_uniq'), CheckConstraint(check='rating BETWEEN 1 AND 5', name='review_rating_range')], 'indexes': [Index(fields=['hub_id', 'subject_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        # Full-text search (language-neutral 'simple' config: hubs are in several languages)
        # and the partial indexes that keep search, feeds and distance queries fast on open
        # listings. Which query uses which index: app/opportunities/search.py and the notes.
        ops.RunSQL(
            sql=OPPORTUNITY_SEARCH_SQL,
            reverse_sql=OPPORTUNITY_SEARCH_REVERSE_SQL,
        ),
    ]
