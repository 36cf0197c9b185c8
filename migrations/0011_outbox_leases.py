from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from app.jobs.models import JobStatus


class AddFieldWithDatabaseDefault(ops.AddField):
    """tortoise 1.1.9 adds a NOT NULL column without a database default, which fails on a
    table with rows: add the column with its default in SQL; the state changes as usual."""

    def __init__(self, *, sql: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sql = sql

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        await ops.RunSQL(self.sql).database_forward(app_label, old_state, new_state, state_editor)

class Migration(migrations.Migration):
    dependencies = [('models', '0010_member_cell_covering')]

    initial = False

    # The outbox row owns the job's schedule: a lease (relay or running worker) and a count of
    # hand-overs, each under a new queue id (app/jobs/models.py).
    operations = [
        ops.RemoveIndex(
            model_name='OutboxJob',
            name=None,
            fields=['status', 'relayed_at'],
        ),
        ops.AlterField(
            model_name='OutboxJob',
            name='status',
            field=fields.CharEnumField(default=JobStatus.PENDING, description='PENDING: pending\nRUNNING: running\nDONE: done\nFAILED: failed', enum_type=JobStatus, max_length=16),
        ),
        ops.AddField(
            model_name='OutboxJob',
            name='lease_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        AddFieldWithDatabaseDefault(
            model_name='OutboxJob',
            name='relays',
            field=fields.IntField(default=0),
            sql="ALTER TABLE outbox_job ADD COLUMN relays INT NOT NULL DEFAULT 0",
        ),
        ops.AddIndex(
            model_name='OutboxJob',
            index=Index(fields=['status', 'lease_until']),
        ),
        # Jobs still waiting when this runs: due for the next outbox sweep.
        ops.RunSQL(
            sql="UPDATE outbox_job SET lease_until = now() WHERE status = 'pending'",
            reverse_sql="SELECT 1",
        ),
    ]
