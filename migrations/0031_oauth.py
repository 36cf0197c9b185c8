from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.oauth.models import OAuthTokenKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(BaseMigration):
    dependencies = [('models', '0030_redeem_in_one_statement')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiClient',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('registered_by', fields.ForeignKeyField('models.Member', source_field='registered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('client_id', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=80)),
                ('redirect_uris', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('scopes', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('secret_hash', fields.CharField(max_length=200)),
                ('previous_secret_hash', fields.CharField(null=True, max_length=200)),
                ('previous_secret_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('suspended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('request_count', fields.BigIntField(default=0)),
                ('error_counts', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_client', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'organisation_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OAuthGrant',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('client', fields.ForeignKeyField('models.ApiClient', source_field='client_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('scopes', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_grant', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'client_id', 'member_id'), name='oauth_grant_once')], 'indexes': [Index(fields=['hub_id', 'member_id'])], 'pk_attr': 'id', 'table_description': 'A member\'s consent to a client (a "connected app"): the scopes they agreed to.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OAuthCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('grant', fields.ForeignKeyField('models.OAuthGrant', source_field='grant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('redirect_uri', fields.CharField(max_length=500)),
                ('scopes', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('code_challenge', fields.CharField(max_length=128)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_code', 'app': 'models', 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OAuthToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('client', fields.ForeignKeyField('models.ApiClient', source_field='client_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('grant', fields.ForeignKeyField('models.OAuthGrant', source_field='grant_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('code', fields.ForeignKeyField('models.OAuthCode', source_field='code_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='ACCESS: access\nREFRESH: refresh', enum_type=OAuthTokenKind, max_length=10)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('scopes', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_token', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'grant_id']), Index(fields=['hub_id', 'client_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
    ]
