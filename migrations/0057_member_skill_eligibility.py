"""Matching filters skill holders by age, weekly timetable and reachability inside the reach
index, before the shortlist is cut (issue 19).

Until now the shortlist was the nearest CH_MATCHING_CANDIDATES holders in reach, and only then
were member rows read to drop those too young, not free at the start or who want no
notification at all: about two thirds of the shortlist's member rows (61 µs each, most of the
candidate statement) were read only to be dropped. `member_skill` now also carries, kept by
the same triggers as its home (0035):

- `born_on`: the member's date of birth;
- `free_minutes`: the weekly timetable as minutes of the week, Monday 00:00 = 0
  (`{[540,720)}` is Monday 09:00-12:00), NULL for a member without a timetable (free
  whenever); a listing starting at minute t of its week suits the member if it contains t;
- `matchable` now also says the member wants matches told somehow (in the app or by email,
  both on unless turned off): one who turned both off is never a candidate.

`member_skill_reach` includes both new columns, so the filters run on the index entries and the
member table is read for the kept shortlist alone. On a large hub run
VACUUM (ANALYZE) member_skill after this migration, or the index-only scans visit the table.
"""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FORWARD_SQL = """
CREATE FUNCTION member_free_minutes(slots jsonb) RETURNS int4multirange
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(slots) IS DISTINCT FROM 'array'
                  OR jsonb_array_length(slots) = 0 THEN NULL
           ELSE coalesce(
               (SELECT range_agg(int4range(s.day + s.f, s.day + s.t))
                  FROM (SELECT ((a->>'weekday')::int - 1) * 1440 AS day,
                               split_part(a->>'from', ':', 1)::int * 60
                                 + split_part(a->>'from', ':', 2)::int AS f,
                               split_part(a->>'to', ':', 1)::int * 60
                                 + split_part(a->>'to', ':', 2)::int AS t
                          FROM jsonb_array_elements(slots) a) s
                 WHERE s.f < s.t),
               '{}'::int4multirange)
           END
$$;

CREATE FUNCTION member_matchable(status text, is_proxy boolean, prefs jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT status = 'active' AND NOT is_proxy
       AND (coalesce((prefs->>'in_app')::boolean, true)
            OR coalesce((prefs->>'email')::boolean, true))
$$;

ALTER TABLE member_skill ADD COLUMN born_on DATE, ADD COLUMN free_minutes int4multirange;
UPDATE member_skill ms
   SET born_on = m.date_of_birth, free_minutes = member_free_minutes(m.availability),
       matchable = member_matchable(m.status, m.is_proxy, m.notification_prefs)
  FROM member m
 WHERE m.id = ms.member_id;

CREATE OR REPLACE FUNCTION member_skill_home_filled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT m.home_cell, m.home_lat, m.home_lng, m.travel_km,
           member_matchable(m.status, m.is_proxy, m.notification_prefs),
           m.date_of_birth, member_free_minutes(m.availability)
      INTO NEW.home_cell, NEW.home_lat, NEW.home_lng, NEW.travel_km, NEW.matchable,
           NEW.born_on, NEW.free_minutes
      FROM member m WHERE m.id = NEW.member_id
       FOR SHARE;
    NEW.matchable := coalesce(NEW.matchable, false);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION member_skill_home_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_skill
       SET home_cell = NEW.home_cell, home_lat = NEW.home_lat, home_lng = NEW.home_lng,
           travel_km = NEW.travel_km,
           matchable = member_matchable(NEW.status, NEW.is_proxy, NEW.notification_prefs),
           born_on = NEW.date_of_birth, free_minutes = member_free_minutes(NEW.availability)
     WHERE hub_id = NEW.hub_id AND member_id = NEW.id;
    RETURN NULL;
END
$$;

DROP TRIGGER member_home_to_skills ON member;
CREATE TRIGGER member_home_to_skills AFTER UPDATE ON member
    FOR EACH ROW
    WHEN (OLD.home_cell IS DISTINCT FROM NEW.home_cell
          OR OLD.home_lat IS DISTINCT FROM NEW.home_lat
          OR OLD.home_lng IS DISTINCT FROM NEW.home_lng
          OR OLD.travel_km IS DISTINCT FROM NEW.travel_km
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.is_proxy IS DISTINCT FROM NEW.is_proxy
          OR OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth
          OR OLD.availability IS DISTINCT FROM NEW.availability
          OR OLD.notification_prefs IS DISTINCT FROM NEW.notification_prefs)
    EXECUTE FUNCTION member_skill_home_kept();

DROP INDEX member_skill_reach;
CREATE INDEX member_skill_reach ON member_skill (hub_id, skill_id, home_cell, travel_km)
    INCLUDE (member_id, home_lat, home_lng, born_on, free_minutes) WHERE matchable;
"""

REVERSE_SQL = """
DROP INDEX IF EXISTS member_skill_reach;
CREATE INDEX member_skill_reach ON member_skill (hub_id, skill_id, home_cell, travel_km)
    INCLUDE (member_id, home_lat, home_lng) WHERE matchable;
DROP TRIGGER IF EXISTS member_home_to_skills ON member;
CREATE TRIGGER member_home_to_skills AFTER UPDATE ON member
    FOR EACH ROW
    WHEN (OLD.home_cell IS DISTINCT FROM NEW.home_cell
          OR OLD.home_lat IS DISTINCT FROM NEW.home_lat
          OR OLD.home_lng IS DISTINCT FROM NEW.home_lng
          OR OLD.travel_km IS DISTINCT FROM NEW.travel_km
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.is_proxy IS DISTINCT FROM NEW.is_proxy)
    EXECUTE FUNCTION member_skill_home_kept();
CREATE OR REPLACE FUNCTION member_skill_home_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_skill
       SET home_cell = NEW.home_cell, home_lat = NEW.home_lat, home_lng = NEW.home_lng,
           travel_km = NEW.travel_km, matchable = (NEW.status = 'active' AND NOT NEW.is_proxy)
     WHERE hub_id = NEW.hub_id AND member_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION member_skill_home_filled() RETURNS trigger LANGUAGE plpgsql AS $$
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
UPDATE member_skill ms SET matchable = (m.status = 'active' AND NOT m.is_proxy)
  FROM member m WHERE m.id = ms.member_id;
ALTER TABLE member_skill DROP COLUMN IF EXISTS born_on, DROP COLUMN IF EXISTS free_minutes;
DROP FUNCTION IF EXISTS member_matchable(text, boolean, jsonb), member_free_minutes(jsonb);
"""


class Migration(BaseMigration):
    dependencies = [("models", "0056_saved_search_words")]

    initial = False

    operations = [
        ops.RunSQL(sql=FORWARD_SQL, reverse_sql=REVERSE_SQL),
    ]
