"""A lowered overdraft limit applies to new debt only: the account_within_limit CHECK becomes a
trigger of the same name, which refuses a change that leaves an account below its limit only
when its available balance (balance - held) goes down. A member who owed more than a newly
lowered limit keeps the debt, may receive credits and pay back, and cannot spend further
(app/credits/ledger.py refuses it first; this backs it up, as the CHECK did)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

TRIGGER_SQL = """
CREATE FUNCTION account_within_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.balance - NEW.held < OLD.balance - OLD.held THEN
        RAISE EXCEPTION 'account % would go further below its overdraft limit', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'account_within_limit',
                  TABLE = 'account';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER account_within_limit BEFORE INSERT OR UPDATE ON account FOR EACH ROW
    WHEN (NEW.overdraft_limit IS NOT NULL AND NEW.balance - NEW.held < -NEW.overdraft_limit)
    EXECUTE FUNCTION account_within_limit();
"""
REVERSE_SQL = """
DROP TRIGGER account_within_limit ON account;
DROP FUNCTION account_within_limit();
"""


class Migration(BaseMigration):
    dependencies = [('models', '0013_assets')]

    initial = False

    operations = [
        ops.RemoveConstraint(model_name='Account', name='account_within_limit'),
        ops.RunSQL(sql=TRIGGER_SQL, reverse_sql=REVERSE_SQL),
    ]
