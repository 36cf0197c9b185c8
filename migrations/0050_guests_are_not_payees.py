"""Guests are not payees (issue 22 review): credits_pay (payMember in one statement, 0028)
refuses a guest account as payee with `not_found`, as if it were no member: a guest's earnings
cross the link to their home account, and a guest can neither spend nor see credits here."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

SQL = """
CREATE OR REPLACE FUNCTION credits_pay(
    p_hub bigint, p_member bigint, p_acted_by bigint, p_payee bigint, p_amount bigint,
    p_memo text, p_category text, p_data jsonb, p_key text, p_hash text,
    OUT err text, OUT avail bigint, OUT lim bigint, OUT t transfer)
LANGUAGE plpgsql AS $$
DECLARE
    v_claim bigint;
    v_stored idempotency_key;
    v_status text;
    v_posted record;
BEGIN
    INSERT INTO idempotency_key (hub_id, member_id, key, operation, request_hash, result,
        created_at)
    VALUES (p_hub, p_member, p_key, 'pay', p_hash, '{}', now())
    ON CONFLICT (hub_id, member_id, key) DO NOTHING
    RETURNING id INTO v_claim;
    IF v_claim IS NULL THEN  -- a replay: the stored answer, or a mismatch
        SELECT * INTO v_stored FROM idempotency_key
         WHERE hub_id = p_hub AND member_id = p_member AND key = p_key;
        IF v_stored.request_hash <> p_hash THEN
            err := 'idempotency_mismatch';
        ELSE
            SELECT * INTO t FROM transfer WHERE id = (v_stored.result ->> 'transfer_id')::bigint;
        END IF;
        RETURN;
    END IF;
    -- A guest account (a partner hub's member volunteering here) is never paid here: its
    -- earnings cross the link to the member's home account (app/federation/guests.py).
    SELECT status INTO v_status FROM member
     WHERE id = p_payee AND hub_id = p_hub AND home_member_id IS NULL;
    IF v_status IS DISTINCT FROM 'active' THEN
        err := 'not_found';
    ELSIF p_payee = p_member THEN
        err := 'same_account';
    ELSE
        SELECT * INTO v_posted FROM ledger_post(
            ledger_member_account(p_hub, p_member), ledger_member_account(p_hub, p_payee),
            p_amount, 'exchange', p_memo, p_category, NULL, p_member, NULL, NULL, p_data);
        err := v_posted.err;
        avail := v_posted.avail;
        lim := v_posted.lim;
        t := v_posted.t;
    END IF;
    IF err IS NOT NULL THEN  -- refused: nothing stays written, the key included
        DELETE FROM idempotency_key WHERE id = v_claim;
        RETURN;
    END IF;
    INSERT INTO audit_event (created_at, hub_id, actor_id, acted_by_id, action, object_type,
        object_id, data)
    VALUES (now(), p_hub, p_member, p_acted_by, 'credits.pay', 'Transfer', t.id, '{}');
    UPDATE idempotency_key SET result = jsonb_build_object('transfer_id', t.id)
     WHERE id = v_claim;
END
$$;
"""

REVERSE_SQL = """
CREATE OR REPLACE FUNCTION credits_pay(
    p_hub bigint, p_member bigint, p_acted_by bigint, p_payee bigint, p_amount bigint,
    p_memo text, p_category text, p_data jsonb, p_key text, p_hash text,
    OUT err text, OUT avail bigint, OUT lim bigint, OUT t transfer)
LANGUAGE plpgsql AS $$
DECLARE
    v_claim bigint;
    v_stored idempotency_key;
    v_status text;
    v_posted record;
BEGIN
    INSERT INTO idempotency_key (hub_id, member_id, key, operation, request_hash, result,
        created_at)
    VALUES (p_hub, p_member, p_key, 'pay', p_hash, '{}', now())
    ON CONFLICT (hub_id, member_id, key) DO NOTHING
    RETURNING id INTO v_claim;
    IF v_claim IS NULL THEN  -- a replay: the stored answer, or a mismatch
        SELECT * INTO v_stored FROM idempotency_key
         WHERE hub_id = p_hub AND member_id = p_member AND key = p_key;
        IF v_stored.request_hash <> p_hash THEN
            err := 'idempotency_mismatch';
        ELSE
            SELECT * INTO t FROM transfer WHERE id = (v_stored.result ->> 'transfer_id')::bigint;
        END IF;
        RETURN;
    END IF;
    SELECT status INTO v_status FROM member WHERE id = p_payee AND hub_id = p_hub;
    IF v_status IS DISTINCT FROM 'active' THEN
        err := 'not_found';
    ELSIF p_payee = p_member THEN
        err := 'same_account';
    ELSE
        SELECT * INTO v_posted FROM ledger_post(
            ledger_member_account(p_hub, p_member), ledger_member_account(p_hub, p_payee),
            p_amount, 'exchange', p_memo, p_category, NULL, p_member, NULL, NULL, p_data);
        err := v_posted.err;
        avail := v_posted.avail;
        lim := v_posted.lim;
        t := v_posted.t;
    END IF;
    IF err IS NOT NULL THEN  -- refused: nothing stays written, the key included
        DELETE FROM idempotency_key WHERE id = v_claim;
        RETURN;
    END IF;
    INSERT INTO audit_event (created_at, hub_id, actor_id, acted_by_id, action, object_type,
        object_id, data)
    VALUES (now(), p_hub, p_member, p_acted_by, 'credits.pay', 'Transfer', t.id, '{}');
    UPDATE idempotency_key SET result = jsonb_build_object('transfer_id', t.id)
     WHERE id = v_claim;
END
$$;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0049_remote_account_links")]

    initial = False

    operations = [ops.RunSQL(sql=SQL, reverse_sql=REVERSE_SQL)]
