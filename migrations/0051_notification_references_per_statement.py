"""Notifications have their hub, member and opportunity checked once per statement instead of
once per row (issue 19, brief H19m-2: matching in bursts). A batch of 20 listings stores about
16,000 notifications in one INSERT; its three foreign keys took 60 % of it (EXPLAIN ANALYZE at
scale 1: member 820 ms, hub 216 ms, opportunity 199 ms of ~2 s): the member key locks every
recipient's row FOR KEY SHARE, which writes the lock into the member's heap tuple (a dirtied
page and a WAL record per recipient). They are replaced by:

- notification_references_exist: an AFTER INSERT statement trigger with the statement's rows as
  a transition table; one probe per row (member by primary key, opportunity by primary key,
  read, not locked) refuses the statement if a member or opportunity is missing or in another
  hub. Stronger than the keys were (they did not check the hub), and the hub needs no check of
  its own: the member's hub_id is a key of hub.
- notification_references_fixed: a notification's hub, member and opportunity never change.
- notification_cascade: deleting a member or an opportunity deletes its notifications, as
  ON DELETE CASCADE did. The keys' row locks also kept a notification from being inserted for
  a member or opportunity whose deletion was committing at that moment; nothing in the code
  deletes either (an erased member's row stays, pseudonymous, and app/gdpr/erasure.py deletes
  their notifications; listings are closed, not deleted), so that race has no party. A hub
  cannot be deleted while it has notifications: each names a member of it, whose key on hub
  is RESTRICT.

The ORM keeps the relations (db_constraint=False); asset and wanted_notice keep their keys
(matching never sets them)."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

CHECKS_SQL = """
ALTER TABLE notification DROP CONSTRAINT IF EXISTS notification_hub_id_fkey,
    DROP CONSTRAINT IF EXISTS notification_member_id_fkey,
    DROP CONSTRAINT IF EXISTS notification_opportunity_id_fkey;

-- OFFSET 0 keeps each NOT EXISTS a per-row index probe: a semi-join could hash the whole
-- member table for a statement of 16,000 rows.
CREATE FUNCTION notification_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.id, n.hub_id, n.member_id, n.opportunity_id INTO bad FROM inserted n
    WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.id = n.member_id AND m.hub_id = n.hub_id
                      OFFSET 0)
       OR (n.opportunity_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM opportunity o
                           WHERE o.id = n.opportunity_id AND o.hub_id = n.hub_id OFFSET 0))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'notification for member % about opportunity % in hub %: no such member or opportunity in that hub',
            bad.member_id, bad.opportunity_id, bad.hub_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'notification_references_exist',
                  TABLE = 'notification';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER notification_references_exist AFTER INSERT ON notification
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
    EXECUTE FUNCTION notification_references_exist();

CREATE FUNCTION notification_references_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'notification %: its hub, member and opportunity never change', OLD.id
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'notification_references_fixed',
              TABLE = 'notification';
END
$$;
CREATE TRIGGER notification_references_fixed
    BEFORE UPDATE OF hub_id, member_id, opportunity_id ON notification
    FOR EACH ROW WHEN (OLD.hub_id IS DISTINCT FROM NEW.hub_id
        OR OLD.member_id IS DISTINCT FROM NEW.member_id
        OR OLD.opportunity_id IS DISTINCT FROM NEW.opportunity_id)
    EXECUTE FUNCTION notification_references_fixed();

CREATE FUNCTION notification_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'member' THEN
        DELETE FROM notification WHERE hub_id = OLD.hub_id AND member_id = OLD.id;
    ELSE
        DELETE FROM notification WHERE hub_id = OLD.hub_id AND opportunity_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER notification_cascade AFTER DELETE ON member
    FOR EACH ROW EXECUTE FUNCTION notification_cascade();
CREATE TRIGGER notification_cascade AFTER DELETE ON opportunity
    FOR EACH ROW EXECUTE FUNCTION notification_cascade();
"""
REVERSE_SQL = """
DROP TRIGGER notification_cascade ON opportunity;
DROP TRIGGER notification_cascade ON member;
DROP FUNCTION notification_cascade();
DROP TRIGGER notification_references_fixed ON notification;
DROP FUNCTION notification_references_fixed();
DROP TRIGGER notification_references_exist ON notification;
DROP FUNCTION notification_references_exist();
ALTER TABLE notification
    ADD CONSTRAINT notification_hub_id_fkey FOREIGN KEY (hub_id) REFERENCES hub (id)
        ON DELETE RESTRICT,
    ADD CONSTRAINT notification_member_id_fkey FOREIGN KEY (member_id) REFERENCES member (id)
        ON DELETE CASCADE,
    ADD CONSTRAINT notification_opportunity_id_fkey FOREIGN KEY (opportunity_id)
        REFERENCES opportunity (id) ON DELETE CASCADE;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0050_guests_are_not_payees")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Notification",
            name="hub",
            field=fields.ForeignKeyField(
                "models.Hub",
                source_field="hub_id",
                db_constraint=False,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AlterField(
            model_name="Notification",
            name="member",
            field=fields.ForeignKeyField(
                "models.Member",
                source_field="member_id",
                db_constraint=False,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AlterField(
            model_name="Notification",
            name="opportunity",
            field=fields.ForeignKeyField(
                "models.Opportunity",
                source_field="opportunity_id",
                null=True,
                db_constraint=False,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.RunSQL(sql=CHECKS_SQL, reverse_sql=REVERSE_SQL),
    ]
