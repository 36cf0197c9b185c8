"""The ledger's entries have their references checked once per statement instead of once per
row (issue 14, the settlement benchmark). The three foreign keys of `entry` (hub, transfer,
account) cost three lookups per inserted row, through SPI: half of the statement that posts a
settlement batch (EXPLAIN ANALYZE, 20,000 entries: 912 ms of 2,253 ms). They are replaced by:

- entry_references_exist: an AFTER INSERT statement trigger with the statement's rows as a
  transition table; one anti-join refuses the statement if any entry's transfer is missing or
  in another hub, or its account is not one of that transfer's two (so not in another hub
  either: a transfer's accounts are its hub's). This is stronger than the foreign keys were.
- entry_references_fixed: an entry's transfer, account and hub never change (the ledger is
  append-only; corrections are reversing transfers).
- ledger_rows_kept: no transfer or account is deleted or given another id or hub, entries or
  not (the ledger is append-only; nothing in the code deletes either). This is what the
  foreign keys' RESTRICT protected, and as it does not depend on seeing the entries it has no
  race with a concurrent insert, which the foreign keys' row locks used to prevent.

The ORM keeps the relations (db_constraint=False)."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

CHECKS_SQL = """
ALTER TABLE entry DROP CONSTRAINT IF EXISTS entry_account_id_fkey,
    DROP CONSTRAINT IF EXISTS entry_hub_id_fkey,
    DROP CONSTRAINT IF EXISTS entry_transfer_id_fkey;

CREATE FUNCTION entry_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT e.transfer_id, e.account_id, e.hub_id INTO bad FROM inserted e
    WHERE NOT EXISTS (
        SELECT 1 FROM transfer t
        WHERE t.id = e.transfer_id AND t.hub_id = e.hub_id
          AND e.account_id IN (t.source_id, t.destination_id))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'entry of transfer % on account % in hub %: no such transfer of that account in that hub',
            bad.transfer_id, bad.account_id, bad.hub_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'entry_references_exist',
                  TABLE = 'entry';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_references_exist AFTER INSERT ON entry
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
    EXECUTE FUNCTION entry_references_exist();

CREATE FUNCTION entry_references_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'entry %: its transfer, account and hub never change', OLD.id
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'entry_references_fixed',
              TABLE = 'entry';
END
$$;
CREATE TRIGGER entry_references_fixed BEFORE UPDATE OF transfer_id, account_id, hub_id ON entry
    FOR EACH ROW WHEN (OLD.transfer_id IS DISTINCT FROM NEW.transfer_id
        OR OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.hub_id IS DISTINCT FROM NEW.hub_id)
    EXECUTE FUNCTION entry_references_fixed();

CREATE FUNCTION ledger_rows_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% %: the ledger is append-only, its rows are kept as they are',
        TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_rows_kept',
              TABLE = TG_TABLE_NAME;
END
$$;
CREATE TRIGGER ledger_rows_kept BEFORE DELETE ON transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER ledger_rows_kept_keys BEFORE UPDATE OF id, hub_id ON transfer
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.hub_id IS DISTINCT FROM NEW.hub_id)
    EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER ledger_rows_kept BEFORE DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION ledger_rows_kept();
CREATE TRIGGER ledger_rows_kept_keys BEFORE UPDATE OF id, hub_id ON account
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.hub_id IS DISTINCT FROM NEW.hub_id)
    EXECUTE FUNCTION ledger_rows_kept();
"""
REVERSE_SQL = """
DROP TRIGGER ledger_rows_kept_keys ON account;
DROP TRIGGER ledger_rows_kept ON account;
DROP TRIGGER ledger_rows_kept_keys ON transfer;
DROP TRIGGER ledger_rows_kept ON transfer;
DROP FUNCTION ledger_rows_kept();
DROP TRIGGER entry_references_fixed ON entry;
DROP FUNCTION entry_references_fixed();
DROP TRIGGER entry_references_exist ON entry;
DROP FUNCTION entry_references_exist();
ALTER TABLE entry
    ADD CONSTRAINT entry_account_id_fkey FOREIGN KEY (account_id) REFERENCES account (id)
        ON DELETE RESTRICT,
    ADD CONSTRAINT entry_hub_id_fkey FOREIGN KEY (hub_id) REFERENCES hub (id) ON DELETE RESTRICT,
    ADD CONSTRAINT entry_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES transfer (id)
        ON DELETE RESTRICT;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0021_match_pot_hold")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Entry",
            name="account",
            field=fields.ForeignKeyField(
                "models.Account",
                source_field="account_id",
                db_constraint=False,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AlterField(
            model_name="Entry",
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
            model_name="Entry",
            name="transfer",
            field=fields.ForeignKeyField(
                "models.Transfer",
                source_field="transfer_id",
                db_constraint=False,
                to_field="id",
                related_name="entries",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.RunSQL(sql=CHECKS_SQL, reverse_sql=REVERSE_SQL),
    ]
