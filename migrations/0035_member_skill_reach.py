"""Matching reads skill holders by (skill, home cell) without visiting member (issue 19).

`member_skill` carries a copy of its member's home (cell, latitude, longitude), travel
distance and whether the member can be matched at all (active and not a proxy), kept by the
database itself, whoever writes (the API, the generator's COPY, a fixture):

- a BEFORE INSERT row trigger on member_skill fills them from the member row, read FOR SHARE
  so that a concurrent change of that member's home commits first (or waits for this one);
- an AFTER UPDATE row trigger on member copies a changed home, travel distance, status or
  proxy flag to that member's skill rows (one index range of member_skill_uniq).

`member_skill_reach` (hub, skill, home cell, travel distance) INCLUDE (member, position),
partial on matchable rows, answers "who holds skill S in cell C" as an index-only range:
a listing needing one skill in a 10 km ring reads ~7,000 entries at 600,000 members instead
of the ~67,000 members of its ring probed one by one. The columns are not fields of the
Tortoise model, so no model save can write a stale copy back. On a large hub run
VACUUM (ANALYZE) member_skill after this migration, or the index-only scans visit the table.
"""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FORWARD_SQL = """
ALTER TABLE member_skill
    ADD COLUMN home_cell VARCHAR(16),
    ADD COLUMN home_lat DOUBLE PRECISION,
    ADD COLUMN home_lng DOUBLE PRECISION,
    ADD COLUMN travel_km INT,
    ADD COLUMN matchable BOOLEAN NOT NULL DEFAULT false;
UPDATE member_skill ms
   SET home_cell = m.home_cell, home_lat = m.home_lat, home_lng = m.home_lng,
       travel_km = m.travel_km, matchable = (m.status = 'active' AND NOT m.is_proxy)
  FROM member m
 WHERE m.id = ms.member_id;

CREATE FUNCTION member_skill_home_filled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT m.home_cell, m.home_lat, m.home_lng, m.travel_km,
           m.status = 'active' AND NOT m.is_proxy
      INTO NEW.home_cell, NEW.home_lat, NEW.home_lng, NEW.travel_km, NEW.matchable
      FROM member m WHERE m.id = NEW.member_id
       FOR SHARE;
    NEW.matchable := coalesce(NEW.matchable, false);
    RETURN NEW;
END
$$;
CREATE TRIGGER member_skill_home BEFORE INSERT OR UPDATE OF member_id ON member_skill
    FOR EACH ROW EXECUTE FUNCTION member_skill_home_filled();

CREATE FUNCTION member_skill_home_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_skill
       SET home_cell = NEW.home_cell, home_lat = NEW.home_lat, home_lng = NEW.home_lng,
           travel_km = NEW.travel_km, matchable = (NEW.status = 'active' AND NOT NEW.is_proxy)
     WHERE hub_id = NEW.hub_id AND member_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER member_home_to_skills AFTER UPDATE ON member
    FOR EACH ROW
    WHEN (OLD.home_cell IS DISTINCT FROM NEW.home_cell
          OR OLD.home_lat IS DISTINCT FROM NEW.home_lat
          OR OLD.home_lng IS DISTINCT FROM NEW.home_lng
          OR OLD.travel_km IS DISTINCT FROM NEW.travel_km
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.is_proxy IS DISTINCT FROM NEW.is_proxy)
    EXECUTE FUNCTION member_skill_home_kept();

CREATE INDEX member_skill_reach ON member_skill (hub_id, skill_id, home_cell, travel_km)
    INCLUDE (member_id, home_lat, home_lng) WHERE matchable;
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS member_skill_reach;
DROP TRIGGER IF EXISTS member_home_to_skills ON member;
DROP TRIGGER IF EXISTS member_skill_home ON member_skill;
DROP FUNCTION IF EXISTS member_skill_home_kept(), member_skill_home_filled();
ALTER TABLE member_skill DROP COLUMN IF EXISTS home_cell, DROP COLUMN IF EXISTS home_lat,
    DROP COLUMN IF EXISTS home_lng, DROP COLUMN IF EXISTS travel_km,
    DROP COLUMN IF EXISTS matchable;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0034_api_client_service_member")]

    initial = False

    operations = [
        ops.RunSQL(sql=FORWARD_SQL, reverse_sql=REVERSE_SQL),
    ]
