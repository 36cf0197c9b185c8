from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration



class Migration(BaseMigration):
    dependencies = [('models', '0011_outbox_leases')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TrustedDocument',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('sha256', fields.CharField(max_length=64)),
                ('name', fields.CharField(null=True, max_length=200)),
                ('body', fields.TextField(unique=False)),
            ],
            options={'table': 'trusted_document', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'sha256'), name='trusted_document_hub_sha_uniq')], 'pk_attr': 'id', 'table_description': "A GraphQL document the hub's own apps send, registered from their persisted-query"},
            bases=['Base'],
        ),
        AddFieldWithDatabaseDefault(
            model_name='Hub',
            name='trusted_documents_only',
            field=fields.BooleanField(default=False),
            sql='ALTER TABLE hub ADD COLUMN trusted_documents_only BOOL NOT NULL DEFAULT FALSE',
        ),
    ]
