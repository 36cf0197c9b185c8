"""One hold per match pot (issue 14, the settlement benchmark): a pot's matching is held from the
funder as one pending transfer for its running total (`campaign_match_pot.hold_id`), made again
whenever that total changes, instead of one hold per matched pledge. Settling a campaign of N
matched pledges then posts N + 1 holds instead of 2N. Pending share holds are moved into their
pot's hold here: voided, and one hold of their sum made from the same account, so every
account's `held` (the sum of its pending holds) is unchanged. Not reversible."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import UniqueConstraint

MOVE_SHARE_HOLDS_SQL = """
WITH moved AS (
    UPDATE transfer t SET status = 'voided', voided_at = now()
    FROM campaign_match_share s
    WHERE s.hold_id = t.id AND t.status = 'pending'
    RETURNING s.pot_id, t.amount
), per_pot AS (
    SELECT pot_id, sum(amount) AS amount FROM moved GROUP BY pot_id
), made AS (
    INSERT INTO transfer (hub_id, kind, status, amount, source_id, destination_id, memo,
        category, "group", data, created_at)
    SELECT p.hub_id, 'pledge', 'pending', pp.amount, p.account_id, c.recipient_account_id,
           left('Match: ' || c.title, 280), 'match funding', c.hold_group,
           jsonb_build_object('campaign_id', c.id, 'pot_id', p.id), now()
    FROM per_pot pp
    JOIN campaign_match_pot p ON p.id = pp.pot_id
    JOIN campaign c ON c.id = p.campaign_id
    RETURNING id, (data->>'pot_id')::bigint AS pot_id
)
UPDATE campaign_match_pot p SET hold_id = made.id FROM made WHERE p.id = made.pot_id;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0020_trial_voucher_rewards")]

    initial = False

    operations = [
        ops.AddField(
            model_name="MatchPot",
            name="hold",
            field=fields.ForeignKeyField(
                "models.Transfer",
                source_field="hold_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.RunSQL(sql=MOVE_SHARE_HOLDS_SQL),
        ops.AlterModelOptions(
            name="MatchShare",
            options={
                "table": "campaign_match_share",
                "app": "models",
                "constraints": [
                    UniqueConstraint(fields=("hub_id", "pot_id", "pledge_id"), name="match_share_once")
                ],
                "indexes": [Index(fields=["pledge_id"])],
                "pk_attr": "id",
                "table_description": "What one pot matches of one pledge (the per-backer cap and the release when a pledge",
            },
        ),
        ops.RemoveField(model_name="MatchShare", name="hold"),
    ]
