"""Saved searches found by their words (issue 19): a new listing read every saved search of its
category (5,000 at scale 1, where all bench searches name one of 20 categories) and checked each
one's text as a substring of the listing: 264 ms of CPU a batch of 20, 16 ms a publish.

A search's words (lowercased, `\\w+`, at most 40 characters each) and its longest word, `key`,
are kept with it (app/matching/saved_searches.py computes them on save; here the existing rows
are filled the same way in SQL). A listing now reads only the searches whose key starts one of
its words (`key = ANY(prefixes)`, an index on (hub_id, key)), and those without words by
category as before; every word of a search must start a word of the listing ("garden" finds
"Gardening", "art" no longer finds "party")."""

from tortoise import fields
from tortoise.migrations import operations as ops

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration

BACKFILL_SQL = """
UPDATE saved_search s SET words = w.words, key = w.key
  FROM (SELECT id,
               to_jsonb(ARRAY(SELECT DISTINCT left(m[1], 40)
                                FROM regexp_matches(lower(text), '\\w+', 'g') AS r(m))) AS words,
               coalesce((SELECT left(m[1], 40) FROM regexp_matches(lower(text), '\\w+', 'g')
                           WITH ORDINALITY AS r(m, n)
                         ORDER BY length(left(m[1], 40)) DESC, n LIMIT 1), '') AS key
          FROM saved_search WHERE text <> '') w
 WHERE s.id = w.id;
DROP INDEX saved_search_any_category;
DROP INDEX saved_search_categories;
CREATE INDEX saved_search_key ON saved_search (hub_id, key) WHERE key <> '';
CREATE INDEX saved_search_categories ON saved_search USING gin (category_ids jsonb_path_ops)
    WHERE key = '';
CREATE INDEX saved_search_any_category ON saved_search (hub_id)
    WHERE category_ids = '[]'::jsonb AND key = '';
"""
REVERSE_SQL = """
DROP INDEX saved_search_any_category;
DROP INDEX saved_search_categories;
DROP INDEX saved_search_key;
CREATE INDEX saved_search_categories ON saved_search USING gin (category_ids jsonb_path_ops);
CREATE INDEX saved_search_any_category ON saved_search (hub_id) WHERE category_ids = '[]'::jsonb;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0055_opportunity_skill_ids_by_hub")]

    initial = False

    operations = [
        AddFieldWithDatabaseDefault(
            model_name="SavedSearch",
            name="words",
            field=fields.JSONField(default=list),
            sql="ALTER TABLE saved_search ADD COLUMN words JSONB NOT NULL DEFAULT '[]'",
        ),
        AddFieldWithDatabaseDefault(
            model_name="SavedSearch",
            name="key",
            field=fields.CharField(max_length=40, default=""),
            sql="ALTER TABLE saved_search ADD COLUMN key VARCHAR(40) NOT NULL DEFAULT ''",
        ),
        ops.RunSQL(sql=BACKFILL_SQL, reverse_sql=REVERSE_SQL),
    ]
