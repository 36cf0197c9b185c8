"""The triggers that keep `opportunity.skill_ids` (0024) read an opportunity's links by hub
first (issue 19): `WHERE l.opportunity_id = o.id` alone matches no index of opportunity_skill
(both lead with hub_id), so every insert of a link scanned the whole table, 80 ms of the
~100 ms a publish took at scale 1 (1,000,000 links). The same bodies otherwise."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

BODY = """
CREATE OR REPLACE FUNCTION opportunity_skill_ids_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the opportunities first: under READ COMMITTED the UPDATE below then takes a
    -- snapshot after any concurrent writer of the same opportunity's links has committed.
    PERFORM 1 FROM opportunity o
      WHERE o.id IN (SELECT opportunity_id FROM changed_links)
      ORDER BY o.id FOR NO KEY UPDATE;
    UPDATE opportunity o
       SET skill_ids = ARRAY(SELECT l.skill_id FROM opportunity_skill l
                              WHERE {match} ORDER BY l.skill_id)
     WHERE o.id IN (SELECT opportunity_id FROM changed_links);
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION opportunity_skill_ids_kept_both() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM opportunity o
      WHERE o.id IN (SELECT opportunity_id FROM old_links
                     UNION SELECT opportunity_id FROM new_links)
      ORDER BY o.id FOR NO KEY UPDATE;
    UPDATE opportunity o
       SET skill_ids = ARRAY(SELECT l.skill_id FROM opportunity_skill l
                              WHERE {match} ORDER BY l.skill_id)
     WHERE o.id IN (SELECT opportunity_id FROM old_links
                    UNION SELECT opportunity_id FROM new_links);
    RETURN NULL;
END
$$;
"""
# opportunity_skill_uniq is (hub_id, opportunity_id, skill_id)
FORWARD_SQL = BODY.replace("{match}", "l.hub_id = o.hub_id AND l.opportunity_id = o.id")
REVERSE_SQL = BODY.replace("{match}", "l.opportunity_id = o.id")


class Migration(BaseMigration):
    dependencies = [("models", "0054_outbox_job_progress")]

    initial = False

    operations = [ops.RunSQL(sql=FORWARD_SQL, reverse_sql=REVERSE_SQL)]
