"""Saved searches found by category (issue 19, brief H19m-2): matching a new listing read every
saved search of its hub (100,000 at scale 1, ~80 ms of CPU per publish). Now it reads those
naming the listing's category (GIN, jsonb_path_ops: `category_ids @> '[id]'`) and those naming
none (a partial index), and checks the rest of each search on those alone
(app/matching/saved_searches.py)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

INDEXES_SQL = """
CREATE INDEX saved_search_categories ON saved_search USING gin (category_ids jsonb_path_ops);
CREATE INDEX saved_search_any_category ON saved_search (hub_id) WHERE category_ids = '[]'::jsonb;
"""
REVERSE_SQL = """
DROP INDEX saved_search_any_category;
DROP INDEX saved_search_categories;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0051_notification_references_per_statement")]

    initial = False

    operations = [ops.RunSQL(sql=INDEXES_SQL, reverse_sql=REVERSE_SQL)]
