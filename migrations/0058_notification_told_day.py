"""How many notifications each member was told now on each day of their hub: the daily cap's
count as a row per (hub, day, member), not a count of notification rows (issue 19).

Matching counted today's told-now notifications of every member it might tell, one index range
of notification_told_now (0053) per member. Right for a table whose statistics are current;
with statistics that still say the table is empty (a new hub, a fresh copy, the first minutes
of a burst before autovacuum analyses it) the planner probes each member through another index
led by hub_id and reads the hub's whole day per member: 6.9 s of CPU a batch of 20 at scale 1
instead of 11 ms. `notification_told_day` is read by its primary key with `member_id = ANY`, one
range of one index whatever the statistics (at worst one scan of the few days kept).

An AFTER INSERT statement trigger counts the rows told now (`delivery = 'now'`) of every insert
into notification, whoever writes (matching, badges, campaigns, moderation, assets), by the
hub's local day. Its upsert takes the counter rows in (hub, day, member) order: two
transactions that each tell members now in one statement never wait on each other in a cycle.
Days before yesterday are deleted by matching's housekeeping. The last two days of existing
notifications are counted here.
"""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FORWARD_SQL = """
CREATE TABLE notification_told_day (
    hub_id BIGINT NOT NULL,
    day DATE NOT NULL,
    member_id BIGINT NOT NULL,
    told INT NOT NULL CHECK (told > 0),
    PRIMARY KEY (hub_id, day, member_id)
);
COMMENT ON TABLE notification_told_day IS
    'Notifications told now per member and local day of the hub (the daily cap; migration 0058)';

CREATE FUNCTION notification_told_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification_told_day AS d (hub_id, day, member_id, told)
    SELECT n.hub_id, (n.created_at AT TIME ZONE h.timezone)::date, n.member_id, count(*)
      FROM inserted n JOIN hub h ON h.id = n.hub_id
     WHERE n.delivery = 'now'
     GROUP BY 1, 2, 3
     ORDER BY 1, 2, 3
    ON CONFLICT (hub_id, day, member_id) DO UPDATE SET told = d.told + EXCLUDED.told;
    RETURN NULL;
END
$$;
CREATE TRIGGER notification_told_counted AFTER INSERT ON notification
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
    EXECUTE FUNCTION notification_told_counted();

INSERT INTO notification_told_day (hub_id, day, member_id, told)
SELECT n.hub_id, (n.created_at AT TIME ZONE h.timezone)::date, n.member_id, count(*)
  FROM notification n JOIN hub h ON h.id = n.hub_id
 WHERE n.delivery = 'now' AND n.created_at >= now() - interval '2 days'
 GROUP BY 1, 2, 3;
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS notification_told_counted ON notification;
DROP FUNCTION IF EXISTS notification_told_counted();
DROP TABLE IF EXISTS notification_told_day;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0057_member_skill_eligibility")]

    initial = False

    operations = [
        ops.RunSQL(sql=FORWARD_SQL, reverse_sql=REVERSE_SQL),
    ]
