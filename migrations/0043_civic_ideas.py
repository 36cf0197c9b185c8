from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.civic.ideas.models import Outcome, Side
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

class Migration(BaseMigration):
    dependencies = [('models', '0042_civic_problems')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Idea',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=160)),
                ('body', fields.TextField(unique=False)),
                ('cell7', fields.CharField(max_length=16)),
                ('threshold', fields.IntField()),
                ('window_ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('support_count', fields.IntField(default=0)),
                ('threshold_reached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answer_due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answer', fields.TextField(default='', unique=False)),
                ('outcome', fields.CharEnumField(null=True, description='ACCEPTED: accepted\nPARTLY: partly\nREJECTED: rejected\nREFERRED: referred', enum_type=Outcome, max_length=10)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_by', fields.ForeignKeyField('models.Member', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'idea', 'app': 'models', 'constraints': [CheckConstraint(check='support_count >= 0', name='idea_support_not_negative')], 'indexes': [Index(fields=['hub_id', 'id']), Index(fields=['hub_id', 'answer_due_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='IdeaArgument',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('idea', fields.ForeignKeyField('models.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('side', fields.CharEnumField(description='FOR: for\nAGAINST: against', enum_type=Side, max_length=8)),
                ('text', fields.CharField(max_length=1000)),
            ],
            options={'table': 'idea_argument', 'app': 'models', 'indexes': [Index(fields=['idea_id', 'id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='IdeaSupport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('idea', fields.ForeignKeyField('models.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'idea_support', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'idea_id', 'member_id'), name='idea_support_once')], 'pk_attr': 'id', 'table_description': 'One per member and idea while it stands; withdrawn (deleted) until the window closes.'},
            bases=['Base'],
        ),
    ]
