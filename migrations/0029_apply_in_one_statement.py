"""applyToOpportunity in one statement (issue 19): opportunity_apply does what
app/opportunities/applications.apply did in five to eight round trips, in the same order:
the opportunity in the hub, open, not the applicant's own, not applied to yet, the required
checks held today and the minimum age; then the application, with auto-accept the place (the
same conditional UPDATE: `accepted_count < places`, so concurrent takers queue on the row lock
and re-check) or the waitlist, the accepted event's outbox rows and the audit row.

A refusal is returned as a code (`err`, with `detail` for the message) and writes nothing. A
concurrent second application of the same member waits on application_once_uniq and is refused
as already applied."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FUNCTION_SQL = """
CREATE FUNCTION opportunity_apply(
    p_hub bigint, p_member bigint, p_acted_by bigint, p_opportunity bigint, p_message text,
    p_checks_day date, p_birthday_day date, p_accepted_jobs text[], p_lease timestamptz,
    OUT err text, OUT detail text, OUT a application)
LANGUAGE plpgsql AS $$
DECLARE
    v_o opportunity;
    v_born date;
    v_taken boolean := false;
BEGIN
    SELECT * INTO v_o FROM opportunity WHERE id = p_opportunity AND hub_id = p_hub;
    IF NOT FOUND THEN err := 'not_found'; RETURN; END IF;
    IF v_o.status NOT IN ('published', 'filled') THEN
        err := 'not_open';
        detail := v_o.status;
        RETURN;
    END IF;
    IF v_o.poster_id = p_member THEN err := 'own_opportunity'; RETURN; END IF;
    IF EXISTS (SELECT 1 FROM application WHERE hub_id = p_hub AND opportunity_id = p_opportunity
               AND applicant_id = p_member) THEN
        err := 'already_applied';
        RETURN;
    END IF;
    SELECT string_agg(k, ', ' ORDER BY k COLLATE "C") INTO detail
      FROM (SELECT DISTINCT k FROM jsonb_array_elements_text(v_o.required_checks) k) needed(k)
     WHERE NOT EXISTS (
        SELECT 1 FROM trust_check tc
         WHERE tc.hub_id = p_hub AND tc.member_id = p_member AND tc.kind = needed.k
           AND tc.status = 'verified'
           AND (tc.expires_on IS NULL OR tc.expires_on >= p_checks_day));
    IF detail IS NOT NULL THEN err := 'missing_checks'; RETURN; END IF;
    IF v_o.min_age IS NOT NULL AND v_o.min_age > 0 THEN
        SELECT date_of_birth INTO v_born FROM member WHERE id = p_member;
        IF v_born IS NULL THEN err := 'age_unknown'; detail := v_o.min_age; RETURN; END IF;
        IF date_part('year', age(p_birthday_day, v_born)) < v_o.min_age THEN
            err := 'too_young';
            detail := v_o.min_age;
            RETURN;
        END IF;
    END IF;
    INSERT INTO application (created_at, updated_at, hub_id, opportunity_id, applicant_id,
        message, status)
    VALUES (now(), now(), p_hub, p_opportunity, p_member, coalesce(p_message, ''), 'pending')
    ON CONFLICT (hub_id, opportunity_id, applicant_id) DO NOTHING
    RETURNING * INTO a;
    IF a.id IS NULL THEN err := 'already_applied'; RETURN; END IF;  -- a concurrent twin won
    IF v_o.auto_accept THEN
        UPDATE opportunity
           SET accepted_count = accepted_count + 1,
               status = CASE WHEN accepted_count + 1 >= places THEN 'filled' ELSE status END
         WHERE id = p_opportunity AND hub_id = p_hub AND status IN ('published', 'filled')
           AND accepted_count < places
        RETURNING true INTO v_taken;
        UPDATE application
           SET status = CASE WHEN v_taken THEN 'accepted' ELSE 'waitlisted' END,
               decided_at = now(), updated_at = now()
         WHERE id = a.id
        RETURNING * INTO a;
        IF v_taken THEN
            INSERT INTO outbox_job (name, payload, key, status, attempts, relays, lease_until,
                last_error, created_at)
            SELECT 'event:application.accepted:' || job,
                   jsonb_build_object('application_id', a.id),
                   'event:application.accepted:' || a.id || ':'
                       || extract(epoch FROM a.decided_at) || ':' || job,
                   'pending', 0, 0, p_lease, '', now()
              FROM unnest(p_accepted_jobs) job
            ON CONFLICT (key) DO NOTHING;
        END IF;
    END IF;
    INSERT INTO audit_event (created_at, hub_id, actor_id, acted_by_id, action, object_type,
        object_id, data)
    VALUES (now(), p_hub, p_member, p_acted_by, 'application.create', 'Application', a.id, '{}');
END
$$;
"""

REVERSE_SQL = """
DROP FUNCTION opportunity_apply(bigint, bigint, bigint, bigint, text, date, date, text[],
    timestamptz);
"""


class Migration(BaseMigration):
    dependencies = [("models", "0028_ledger_functions")]

    initial = False

    operations = [ops.RunSQL(sql=FUNCTION_SQL, reverse_sql=REVERSE_SQL)]
