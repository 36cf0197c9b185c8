from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FEED_INDEXES_SQL = """
CREATE INDEX opportunity_open_remote ON opportunity (hub_id) WHERE status = 'published' AND remote;
DROP INDEX IF EXISTS opportunity_open_category;
CREATE INDEX opportunity_open_category ON opportunity (hub_id, category_id, published_at DESC, id DESC)
    WHERE status = 'published';
"""
FEED_INDEXES_REVERSE_SQL = """
DROP INDEX IF EXISTS opportunity_open_remote;
DROP INDEX IF EXISTS opportunity_open_category;
CREATE INDEX opportunity_open_category ON opportunity (hub_id, category_id, published_at DESC)
    WHERE status = 'published';
"""


class Migration(BaseMigration):
    dependencies = [('models', '0007_digests_and_saved_searches')]

    # The feed's "remote OR within reach" can use two indexes together once remote listings
    # have their own; the category index also carries the id tie-break of the sort.
    operations = [
        ops.RunSQL(sql=FEED_INDEXES_SQL, reverse_sql=FEED_INDEXES_REVERSE_SQL),
    ]
