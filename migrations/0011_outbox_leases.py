from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from app.jobs.models import JobStatus

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration



class Migration(BaseMigration):
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
