from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.auth.models import TokenKind
from app.jobs.models import JobStatus
from app.organisations.models import OrganisationKind, OrganisationRole
from app.people.models import CheckKind, CheckStatus, MemberStatus, Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

class Migration(BaseMigration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Hub',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=120)),
                ('slug', fields.CharField(unique=True, max_length=60)),
                ('locale', fields.CharField(default='en-GB', max_length=20)),
                ('timezone', fields.CharField(default='Europe/London', max_length=64)),
                ('credit_name', fields.CharField(default='credit', max_length=40)),
                ('credits_per_hour', fields.IntField(default=60)),
            ],
            options={'table': 'hub', 'app': 'models', 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('email_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('display_name', fields.CharField(max_length=80)),
                ('bio', fields.TextField(default='', unique=False)),
                ('interests', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('home_lat', fields.FloatField(null=True)),
                ('home_lng', fields.FloatField(null=True)),
                ('home_cell', fields.CharField(null=True, max_length=16)),
                ('travel_km', fields.IntField(default=5)),
                ('availability', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('notification_prefs', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('date_of_birth', fields.DateField(null=True)),
                ('is_proxy', fields.BooleanField(default=False)),
                ('status', fields.CharEnumField(default=MemberStatus.ACTIVE, description='ACTIVE: active\nSUSPENDED: suspended', enum_type=MemberStatus, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'email'), name='member_hub_email_uniq'), CheckConstraint(check='travel_km >= 0 AND travel_km <= 200', name='member_travel_km_range')], 'indexes': [Index(fields=['hub_id', 'home_cell'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('actor', fields.ForeignKeyField('models.Member', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('acted_by', fields.ForeignKeyField('models.Member', source_field='acted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(max_length=60)),
                ('object_type', fields.CharField(default='', max_length=40)),
                ('object_id', fields.BigIntField(null=True)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'audit_event', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='AuthSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('user_agent', fields.CharField(default='', max_length=200)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'auth_session', 'app': 'models', 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='AuthToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('session', fields.ForeignKeyField('models.AuthSession', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='ACCESS: access\nREFRESH: refresh\nVERIFY_EMAIL: verify_email\nRESET_PASSWORD: reset_password', enum_type=TokenKind, max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'auth_token', 'app': 'models', 'indexes': [Index(fields=['member_id', 'kind'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='MemberRole',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='MEMBER: member\nCOORDINATOR: coordinator\nMODERATOR: moderator\nANALYST: analyst\nHUB_ADMIN: hub_admin', enum_type=Role, max_length=16)),
            ],
            options={'table': 'member_role', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id', 'role'), name='member_role_uniq')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Organisation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name='organisations', on_delete=OnDelete.RESTRICT)),
                ('slug', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=120)),
                ('kind', fields.CharEnumField(description='CHARITY: charity\nVOLUNTARY_GROUP: voluntary_group\nSCHOOL: school\nBUSINESS: business\nCOUNCIL_SERVICE: council_service\nCOMMUNITY_GROUP: community_group', enum_type=OrganisationKind, max_length=24)),
                ('description', fields.TextField(default='', unique=False)),
                ('website', fields.CharField(default='', max_length=300)),
                ('contact_email', fields.CharField(default='', max_length=254)),
                ('area', fields.CharField(default='', max_length=120)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'organisation', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'slug'), name='organisation_hub_slug_uniq')], 'indexes': [Index(fields=['hub_id', 'name', 'id']), Index(fields=['hub_id', 'kind', 'name'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OrganisationMember',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='org_memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='OWNER: owner\nADMIN: admin\nSTAFF: staff', enum_type=OrganisationRole, max_length=16)),
            ],
            options={'table': 'organisation_member', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'organisation_id', 'member_id'), name='organisation_member_uniq')], 'indexes': [Index(fields=['hub_id', 'member_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OutboxJob',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=80)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('key', fields.CharField(null=True, unique=True, max_length=200)),
                ('status', fields.CharEnumField(default=JobStatus.PENDING, description='PENDING: pending\nDONE: done\nFAILED: failed', enum_type=JobStatus, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('run_after', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('relayed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'outbox_job', 'app': 'models', 'indexes': [Index(fields=['status', 'relayed_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ProxyLink',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('coordinator', fields.ForeignKeyField('models.Member', source_field='coordinator_id', db_constraint=True, to_field='id', related_name='proxied', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='proxies', on_delete=OnDelete.CASCADE)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'proxy_link', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'coordinator_id', 'member_id'), name='proxy_link_uniq')], 'pk_attr': 'id', 'table_description': 'A coordinator may act for a member who is not online (time-bank practice).'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Skill',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name='skills', on_delete=OnDelete.RESTRICT)),
                ('slug', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=80)),
                ('category', fields.CharField(default='general', max_length=60)),
            ],
            options={'table': 'skill', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'slug'), name='skill_hub_slug_uniq')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='MemberSkill',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='member_skills', on_delete=OnDelete.CASCADE)),
                ('skill', fields.ForeignKeyField('models.Skill', source_field='skill_id', db_constraint=True, to_field='id', related_name='member_skills', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'member_skill', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id', 'skill_id'), name='member_skill_uniq')], 'indexes': [Index(fields=['hub_id', 'skill_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='TrustCheck',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='trust_checks', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='DBS_BASIC: dbs_basic\nDBS_ENHANCED: dbs_enhanced\nFIRST_AID: first_aid\nFOOD_HYGIENE: food_hygiene\nIDENTITY: identity\nDRIVING_LICENCE: driving_licence', enum_type=CheckKind, max_length=24)),
                ('reference', fields.CharField(max_length=64)),
                ('expires_on', fields.DateField(null=True)),
                ('status', fields.CharEnumField(default=CheckStatus.PENDING, description='PENDING: pending\nVERIFIED: verified\nREJECTED: rejected', enum_type=CheckStatus, max_length=16)),
                ('reviewed_by', fields.ForeignKeyField('models.Member', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'trust_check', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'status']), Index(fields=['hub_id', 'member_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
    ]
