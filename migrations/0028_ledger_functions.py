"""The ledger's postings in one round trip each (issue 19): a payment, a hold, posting or
voiding a hold and a plain posting are PostgreSQL functions, called once by app/credits/ledger.py
(the only caller). Each does what the Python ledger did, in the same order, under the same locks:

- ledger_post: locks the two accounts in id order (SELECT ... FOR UPDATE), checks the source may
  go that low (balance - held - amount >= -overdraft_limit, or no limit), writes the transfer,
  both balances (one UPDATE) and the two entries with their running balances (one INSERT, so the
  entry_references_exist statement trigger of 0022 checks both at once).
- ledger_hold / ledger_post_hold / ledger_void_hold: the pending transfer and `held`; the
  transfer is locked before its accounts, as before.
- credits_pay: a member's payment with its idempotency record (claimed first, so a concurrent
  retry with the key waits on its unique index), the payee's check, the members' accounts
  (created on first use with the hub's overdraft limit), the posting, the audit row and the
  stored result.

Expected refusals (insufficient credits, same account, not pending, idempotency mismatch, no such
payee) are returned as a code in `err`, with nothing written (the idempotency claim of a refused
payment is deleted in the same statement); anything else raises and rolls the statement back. The
account_within_limit trigger (0014) and the entry reference triggers (0022) still back it up.

account_holder_kept: an account's member, organisation and system never change, as its id and
hub do not (0022), so a process may remember whose account is which (app/credits/holders.py)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FUNCTIONS_SQL = """
CREATE TRIGGER account_holder_kept BEFORE UPDATE OF member_id, organisation_id, system ON account
    FOR EACH ROW WHEN (OLD.member_id IS DISTINCT FROM NEW.member_id
        OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
        OR OLD.system IS DISTINCT FROM NEW.system)
    EXECUTE FUNCTION ledger_rows_kept();

CREATE FUNCTION ledger_move(p_t transfer, p_src account, p_dst account, p_release bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account
       SET balance = balance + CASE WHEN id = p_src.id THEN -p_t.amount ELSE p_t.amount END,
           held = held - CASE WHEN id = p_src.id THEN p_release ELSE 0 END
     WHERE id IN (p_src.id, p_dst.id);
    INSERT INTO entry (created_at, hub_id, transfer_id, account_id, amount, balance_after, category)
    VALUES (now(), p_t.hub_id, p_t.id, p_src.id, -p_t.amount, p_src.balance - p_t.amount,
            p_t.category),
           (now(), p_t.hub_id, p_t.id, p_dst.id, p_t.amount, p_dst.balance + p_t.amount,
            p_t.category);
END
$$;

CREATE FUNCTION ledger_pair(p_source bigint, p_destination bigint,
    OUT src account, OUT dst account)
LANGUAGE plpgsql AS $$
DECLARE
    v_row account;
BEGIN
    FOR v_row IN SELECT * FROM account WHERE id IN (p_source, p_destination)
                 ORDER BY id FOR UPDATE LOOP
        IF v_row.id = p_source THEN src := v_row; ELSE dst := v_row; END IF;
    END LOOP;
    IF src.id IS NULL OR dst.id IS NULL OR src.hub_id <> dst.hub_id THEN
        RAISE EXCEPTION 'accounts % and % are not two accounts of one hub', p_source, p_destination
            USING ERRCODE = 'foreign_key_violation', TABLE = 'account';
    END IF;
END
$$;

CREATE FUNCTION ledger_refusal(p_source bigint, p_destination bigint, p_amount bigint)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_source = p_destination THEN 'same_account'
                WHEN p_amount IS NULL OR p_amount <= 0 OR p_amount > 1000000000000 THEN 'invalid'
           END
$$;

CREATE FUNCTION ledger_post(
    p_source bigint, p_destination bigint, p_amount bigint, p_kind text, p_memo text,
    p_category text, p_reference text, p_initiated_by bigint, p_group uuid, p_reverses bigint,
    p_data jsonb, OUT err text, OUT avail bigint, OUT lim bigint, OUT t transfer)
LANGUAGE plpgsql AS $$
DECLARE
    v_pair record;
BEGIN
    err := ledger_refusal(p_source, p_destination, p_amount);
    IF err IS NOT NULL THEN RETURN; END IF;
    SELECT * INTO v_pair FROM ledger_pair(p_source, p_destination);
    avail := (v_pair.src).balance - (v_pair.src).held;
    lim := (v_pair.src).overdraft_limit;
    IF lim IS NOT NULL AND avail - p_amount < -lim THEN
        err := 'insufficient_credits';
        RETURN;
    END IF;
    INSERT INTO transfer (created_at, hub_id, kind, status, amount, source_id, destination_id,
        memo, category, reference, initiated_by_id, "group", reverses_id, posted_at, data)
    VALUES (now(), (v_pair.src).hub_id, p_kind, 'posted', p_amount, p_source, p_destination,
        coalesce(p_memo, ''), p_category, p_reference, p_initiated_by, p_group, p_reverses, now(),
        coalesce(p_data, '{}'))
    RETURNING * INTO t;
    PERFORM ledger_move(t, v_pair.src, v_pair.dst, 0);
END
$$;

CREATE FUNCTION ledger_hold(
    p_source bigint, p_destination bigint, p_amount bigint, p_kind text, p_memo text,
    p_category text, p_reference text, p_initiated_by bigint, p_group uuid,
    p_expires_at timestamptz, p_data jsonb,
    OUT err text, OUT avail bigint, OUT lim bigint, OUT t transfer)
LANGUAGE plpgsql AS $$
DECLARE
    v_src account;
BEGIN
    err := ledger_refusal(p_source, p_destination, p_amount);
    IF err IS NOT NULL THEN RETURN; END IF;
    SELECT * INTO v_src FROM account WHERE id = p_source FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no account %', p_source
            USING ERRCODE = 'foreign_key_violation', TABLE = 'account';
    END IF;
    avail := v_src.balance - v_src.held;
    lim := v_src.overdraft_limit;
    IF lim IS NOT NULL AND avail - p_amount < -lim THEN
        err := 'insufficient_credits';
        RETURN;
    END IF;
    UPDATE account SET held = held + p_amount WHERE id = p_source;
    INSERT INTO transfer (created_at, hub_id, kind, status, amount, source_id, destination_id,
        memo, category, reference, initiated_by_id, "group", hold_expires_at, data)
    VALUES (now(), v_src.hub_id, p_kind, 'pending', p_amount, p_source, p_destination,
        coalesce(p_memo, ''), p_category, p_reference, p_initiated_by, p_group, p_expires_at,
        coalesce(p_data, '{}'))
    RETURNING * INTO t;
END
$$;

CREATE FUNCTION ledger_post_hold(p_transfer bigint, OUT err text, OUT t transfer)
LANGUAGE plpgsql AS $$
DECLARE
    v_pair record;
BEGIN
    SELECT * INTO t FROM transfer WHERE id = p_transfer FOR UPDATE;
    IF NOT FOUND THEN err := 'not_found'; RETURN; END IF;
    IF t.status <> 'pending' THEN err := 'not_pending'; RETURN; END IF;
    SELECT * INTO v_pair FROM ledger_pair(t.source_id, t.destination_id);
    UPDATE transfer SET status = 'posted', posted_at = now() WHERE id = p_transfer
    RETURNING * INTO t;
    PERFORM ledger_move(t, v_pair.src, v_pair.dst, t.amount);
END
$$;

CREATE FUNCTION ledger_void_hold(p_transfer bigint, OUT err text, OUT t transfer)
LANGUAGE plpgsql AS $$
BEGIN
    SELECT * INTO t FROM transfer WHERE id = p_transfer FOR UPDATE;
    IF NOT FOUND THEN err := 'not_found'; RETURN; END IF;
    IF t.status <> 'pending' THEN err := 'not_pending'; RETURN; END IF;
    UPDATE account SET held = held - t.amount WHERE id = t.source_id;
    UPDATE transfer SET status = 'voided', voided_at = now() WHERE id = p_transfer
    RETURNING * INTO t;
END
$$;

CREATE FUNCTION ledger_member_account(p_hub bigint, p_member bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM account WHERE hub_id = p_hub AND member_id = p_member;
    IF v_id IS NULL THEN
        INSERT INTO account (created_at, hub_id, member_id, kind, balance, held, overdraft_limit)
        SELECT now(), p_hub, p_member, 'member', 0, 0, member_overdraft_limit
          FROM hub WHERE id = p_hub
        ON CONFLICT (hub_id, member_id) DO NOTHING
        RETURNING id INTO v_id;
        IF v_id IS NULL THEN  -- created meanwhile by a concurrent first use
            SELECT id INTO v_id FROM account WHERE hub_id = p_hub AND member_id = p_member;
        END IF;
    END IF;
    RETURN v_id;
END
$$;

CREATE FUNCTION credits_pay(
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

REVERSE_SQL = """
DROP FUNCTION credits_pay(bigint, bigint, bigint, bigint, bigint, text, text, jsonb, text, text);
DROP FUNCTION ledger_member_account(bigint, bigint);
DROP FUNCTION ledger_void_hold(bigint);
DROP FUNCTION ledger_post_hold(bigint);
DROP FUNCTION ledger_hold(bigint, bigint, bigint, text, text, text, text, bigint, uuid,
    timestamptz, jsonb);
DROP FUNCTION ledger_post(bigint, bigint, bigint, text, text, text, text, bigint, uuid, bigint,
    jsonb);
DROP FUNCTION ledger_refusal(bigint, bigint, bigint);
DROP FUNCTION ledger_pair(bigint, bigint);
DROP FUNCTION ledger_move(transfer, account, account, bigint);
DROP TRIGGER account_holder_kept ON account;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0027_matched_opportunity")]

    initial = False

    operations = [ops.RunSQL(sql=FUNCTIONS_SQL, reverse_sql=REVERSE_SQL)]
