"""Drops notification_told_now (0053): since 0058 the daily cap's count is read from
notification_told_day, and no statement reads the partial index any more (pg_stat_user_indexes
showed no scan of it over a bench run's matching). Every notification told now still paid for
an entry in it."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FORWARD_SQL = "DROP INDEX IF EXISTS notification_told_now;"
REVERSE_SQL = """
CREATE INDEX notification_told_now ON notification (hub_id, member_id, created_at)
    WHERE delivery = 'now';
"""


class Migration(BaseMigration):
    dependencies = [("models", "0058_notification_told_day")]

    initial = False

    operations = [ops.RunSQL(sql=FORWARD_SQL, reverse_sql=REVERSE_SQL)]
