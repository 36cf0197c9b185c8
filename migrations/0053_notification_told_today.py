"""Today's count for the daily cap read from an index of the notifications told now (issue 19,
brief H19m-2). The count (app/matching/service.py, `_SENT_TODAY`) read each member's rows of
the day through (hub_id, member_id, created_at) and visited every one in the heap for its
`delivery`: in a burst, mostly digest rows (~90 % of them), 0.5-1.1 s of CPU per batch of 20 at
scale 1. The partial index holds the told-now rows alone (about one in ten: the others are not
written to it)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

INDEX_SQL = """
CREATE INDEX notification_told_now ON notification (hub_id, member_id, created_at)
    WHERE delivery = 'now';
"""
REVERSE_SQL = "DROP INDEX notification_told_now;"


class Migration(BaseMigration):
    dependencies = [("models", "0052_saved_search_by_category")]

    initial = False

    operations = [ops.RunSQL(sql=INDEX_SQL, reverse_sql=REVERSE_SQL)]
