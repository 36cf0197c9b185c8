"""Voucher redemption in one statement (issue 19): credits_redeem does what
app/credits/offers.redeem did, in the same order: the idempotency record (claimed first), the
offer locked (FOR UPDATE: concurrent buyers of the last voucher queue on it), open now, in
stock, under the member's limit; the posting (ledger_post, migration 0028) from the member's
account to the business's, the stock, the voucher, the audit row and the stored result.
A refusal comes back as a code and writes nothing (the claim is deleted in the same statement)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

FUNCTIONS_SQL = """
CREATE FUNCTION ledger_organisation_account(p_hub bigint, p_organisation bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM account WHERE hub_id = p_hub AND organisation_id = p_organisation;
    IF v_id IS NULL THEN
        INSERT INTO account (created_at, hub_id, organisation_id, kind, balance, held,
            overdraft_limit)
        VALUES (now(), p_hub, p_organisation, 'organisation', 0, 0, 0)
        ON CONFLICT (hub_id, organisation_id) DO NOTHING
        RETURNING id INTO v_id;
        IF v_id IS NULL THEN
            SELECT id INTO v_id FROM account
             WHERE hub_id = p_hub AND organisation_id = p_organisation;
        END IF;
    END IF;
    RETURN v_id;
END
$$;

CREATE FUNCTION credits_redeem(
    p_hub bigint, p_member bigint, p_acted_by bigint, p_offer bigint, p_key text, p_hash text,
    p_code text, OUT err text, OUT avail bigint, OUT lim bigint, OUT cost bigint, OUT v voucher)
LANGUAGE plpgsql AS $$
DECLARE
    v_claim bigint;
    v_stored idempotency_key;
    v_offer voucher_offer;
    v_posted record;
BEGIN
    INSERT INTO idempotency_key (hub_id, member_id, key, operation, request_hash, result,
        created_at)
    VALUES (p_hub, p_member, p_key, 'redeem', p_hash, '{}', now())
    ON CONFLICT (hub_id, member_id, key) DO NOTHING
    RETURNING id INTO v_claim;
    IF v_claim IS NULL THEN
        SELECT * INTO v_stored FROM idempotency_key
         WHERE hub_id = p_hub AND member_id = p_member AND key = p_key;
        IF v_stored.request_hash <> p_hash THEN
            err := 'idempotency_mismatch';
        ELSE
            SELECT * INTO v FROM voucher WHERE id = (v_stored.result ->> 'voucher_id')::bigint;
        END IF;
        RETURN;
    END IF;
    SELECT * INTO v_offer FROM voucher_offer WHERE id = p_offer AND hub_id = p_hub FOR UPDATE;
    IF NOT FOUND THEN
        err := 'not_found';
    ELSIF NOT v_offer.active OR NOT (v_offer.valid_from <= now() AND now() < v_offer.valid_until)
    THEN
        err := 'offer_not_active';
    ELSIF v_offer.stock <= 0 THEN
        err := 'sold_out';
    ELSIF (SELECT count(*) FROM voucher WHERE hub_id = p_hub AND offer_id = p_offer
            AND member_id = p_member AND status <> 'refunded') >= v_offer.per_member_limit THEN
        err := 'limit_reached';
    ELSE
        cost := v_offer.cost;
        SELECT * INTO v_posted FROM ledger_post(
            ledger_member_account(p_hub, p_member),
            ledger_organisation_account(p_hub, v_offer.organisation_id),
            v_offer.cost, 'voucher', left(v_offer.title, 280), 'vouchers', NULL, p_member, NULL,
            NULL, '{}');
        err := v_posted.err;
        avail := v_posted.avail;
        lim := v_posted.lim;
    END IF;
    IF err IS NOT NULL THEN
        DELETE FROM idempotency_key WHERE id = v_claim;
        RETURN;
    END IF;
    UPDATE voucher_offer SET stock = stock - 1, updated_at = now() WHERE id = p_offer;
    INSERT INTO voucher (created_at, hub_id, offer_id, member_id, code, status, transfer_id,
        expires_at)
    VALUES (now(), p_hub, p_offer, p_member, p_code, 'issued', (v_posted.t).id,
        now() + make_interval(days => v_offer.voucher_days))
    RETURNING * INTO v;
    INSERT INTO audit_event (created_at, hub_id, actor_id, acted_by_id, action, object_type,
        object_id, data)
    VALUES (now(), p_hub, p_member, p_acted_by, 'voucher.redeem', 'Voucher', v.id, '{}');
    UPDATE idempotency_key SET result = jsonb_build_object('voucher_id', v.id)
     WHERE id = v_claim;
END
$$;
"""

REVERSE_SQL = """
DROP FUNCTION credits_redeem(bigint, bigint, bigint, bigint, text, text, text);
DROP FUNCTION ledger_organisation_account(bigint, bigint);
"""


class Migration(BaseMigration):
    dependencies = [("models", "0029_apply_in_one_statement")]

    initial = False

    operations = [ops.RunSQL(sql=FUNCTIONS_SQL, reverse_sql=REVERSE_SQL)]
