from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

COVERING_SQL = """
DROP INDEX IF EXISTS opportunity_open_cell8, opportunity_open_cell6, opportunity_open_cell4;
CREATE INDEX opportunity_open_cell8 ON opportunity (hub_id, cell8) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_cell6 ON opportunity (hub_id, cell6) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_cell4 ON opportunity (hub_id, cell4) INCLUDE (lat, lng, id)
    WHERE status = 'published';
"""
PLAIN_SQL = """
DROP INDEX IF EXISTS opportunity_open_cell8, opportunity_open_cell6, opportunity_open_cell4;
CREATE INDEX opportunity_open_cell8 ON opportunity (hub_id, cell8) WHERE status = 'published';
CREATE INDEX opportunity_open_cell6 ON opportunity (hub_id, cell6) WHERE status = 'published';
CREATE INDEX opportunity_open_cell4 ON opportunity (hub_id, cell4) WHERE status = 'published';
"""


class Migration(BaseMigration):
    dependencies = [("models", "0008_feed_indexes")]

    # The feed ranks only the nearest open opportunities within reach: with the position in
    # the cell indexes, finding them is an index-only scan, not a heap visit per listing.
    operations = [
        ops.RunSQL(sql=COVERING_SQL, reverse_sql=PLAIN_SQL),
    ]
