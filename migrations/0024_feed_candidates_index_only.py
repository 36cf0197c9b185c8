"""The feed ranks its candidates without visiting the table (issue 15).

- `opportunity.skill_ids`: the opportunity's skills as a sorted bigint array, a copy of
  opportunity_skill kept by the database itself: statement triggers on opportunity_skill
  recompute it for every opportunity whose links a statement inserted, deleted or changed,
  whoever wrote them (the API's create and edit, the generator's COPY, a fixture). It is not
  a field of the Tortoise model, so no model save can write a stale copy back;
  opportunity_skill stays the source of truth for everything else.
- The feed's own cell and remote indexes (opportunity_feed_*) include every column the feed
  reads to decide eligibility and score a candidate (app/opportunities/feed.py
  CANDIDATE_COLUMNS), so finding and ranking ~200 candidates is an index-only scan; the
  remote one is ordered by publication, as the feed reads it. The search keeps the narrow
  open cell indexes (with the wide ones only, PostgreSQL costed them above a scan of the
  expiring index for a 50 km search: tests/opportunities/test_indexes.py); they are dropped
  during the backfill and made again as they were.

The backfill rewrites every opportunity row: on a large hub run VACUUM (ANALYZE) opportunity
afterwards (autovacuum does it soon), or the index-only scans visit the table until then.
"""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

COLUMNS = "lat, lng, id, poster_id, expires_at, min_age, required_checks, remote, starts_at, urgency, skill_ids"

FORWARD_SQL = f"""
DROP INDEX IF EXISTS opportunity_open_cell8, opportunity_open_cell6, opportunity_open_cell4,
    opportunity_open_remote;
ALTER TABLE opportunity ADD COLUMN skill_ids BIGINT[] NOT NULL DEFAULT '{{}}';
UPDATE opportunity o SET skill_ids = s.ids
  FROM (SELECT opportunity_id, array_agg(skill_id ORDER BY skill_id) AS ids
          FROM opportunity_skill GROUP BY opportunity_id) s
 WHERE o.id = s.opportunity_id;

CREATE FUNCTION opportunity_skill_ids_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the opportunities first: under READ COMMITTED the UPDATE below then takes a
    -- snapshot after any concurrent writer of the same opportunity's links has committed.
    PERFORM 1 FROM opportunity o
      WHERE o.id IN (SELECT opportunity_id FROM changed_links)
      ORDER BY o.id FOR NO KEY UPDATE;
    UPDATE opportunity o
       SET skill_ids = ARRAY(SELECT l.skill_id FROM opportunity_skill l
                              WHERE l.opportunity_id = o.id ORDER BY l.skill_id)
     WHERE o.id IN (SELECT opportunity_id FROM changed_links);
    RETURN NULL;
END
$$;
CREATE FUNCTION opportunity_skill_ids_kept_both() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM opportunity o
      WHERE o.id IN (SELECT opportunity_id FROM old_links
                     UNION SELECT opportunity_id FROM new_links)
      ORDER BY o.id FOR NO KEY UPDATE;
    UPDATE opportunity o
       SET skill_ids = ARRAY(SELECT l.skill_id FROM opportunity_skill l
                              WHERE l.opportunity_id = o.id ORDER BY l.skill_id)
     WHERE o.id IN (SELECT opportunity_id FROM old_links
                    UNION SELECT opportunity_id FROM new_links);
    RETURN NULL;
END
$$;
CREATE TRIGGER opportunity_skill_ids_inserted AFTER INSERT ON opportunity_skill
    REFERENCING NEW TABLE AS changed_links
    FOR EACH STATEMENT EXECUTE FUNCTION opportunity_skill_ids_kept();
CREATE TRIGGER opportunity_skill_ids_deleted AFTER DELETE ON opportunity_skill
    REFERENCING OLD TABLE AS changed_links
    FOR EACH STATEMENT EXECUTE FUNCTION opportunity_skill_ids_kept();
CREATE TRIGGER opportunity_skill_ids_updated AFTER UPDATE ON opportunity_skill
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
    FOR EACH STATEMENT EXECUTE FUNCTION opportunity_skill_ids_kept_both();

CREATE INDEX opportunity_open_cell8 ON opportunity (hub_id, cell8) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_cell6 ON opportunity (hub_id, cell6) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_cell4 ON opportunity (hub_id, cell4) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_remote ON opportunity (hub_id) WHERE status = 'published' AND remote;
CREATE INDEX opportunity_feed_cell8 ON opportunity (hub_id, cell8) INCLUDE ({COLUMNS})
    WHERE status = 'published';
CREATE INDEX opportunity_feed_cell6 ON opportunity (hub_id, cell6) INCLUDE ({COLUMNS})
    WHERE status = 'published';
CREATE INDEX opportunity_feed_cell4 ON opportunity (hub_id, cell4) INCLUDE ({COLUMNS})
    WHERE status = 'published';
CREATE INDEX opportunity_feed_remote ON opportunity (hub_id, published_at DESC, id DESC)
    INCLUDE ({COLUMNS}) WHERE status = 'published' AND remote;
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS opportunity_feed_cell8, opportunity_feed_cell6, opportunity_feed_cell4,
    opportunity_feed_remote, opportunity_open_cell8, opportunity_open_cell6,
    opportunity_open_cell4, opportunity_open_remote;
DROP TRIGGER IF EXISTS opportunity_skill_ids_inserted ON opportunity_skill;
DROP TRIGGER IF EXISTS opportunity_skill_ids_deleted ON opportunity_skill;
DROP TRIGGER IF EXISTS opportunity_skill_ids_updated ON opportunity_skill;
DROP FUNCTION IF EXISTS opportunity_skill_ids_kept(), opportunity_skill_ids_kept_both();
ALTER TABLE opportunity DROP COLUMN IF EXISTS skill_ids;
CREATE INDEX opportunity_open_cell8 ON opportunity (hub_id, cell8) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_cell6 ON opportunity (hub_id, cell6) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_cell4 ON opportunity (hub_id, cell4) INCLUDE (lat, lng, id)
    WHERE status = 'published';
CREATE INDEX opportunity_open_remote ON opportunity (hub_id) WHERE status = 'published' AND remote;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0023_badge_levels_reached")]

    initial = False

    operations = [
        ops.RunSQL(sql=FORWARD_SQL, reverse_sql=REVERSE_SQL),
    ]
