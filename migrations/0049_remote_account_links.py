"""Linked accounts across installations (issue 22): each installation's row of a link names the
partner link (`hub_link`), the link's shared `ref` and the other account's member id there; the
side that is elsewhere is null. The cached verified hours of the other account. The pair index
of 0047 now covers links within this installation only; across installations one link per
account and partner hub (a removed link waiting for the partner's acknowledgement aside)."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.federation.models import AccountLinkStatus

PAIR_SQL = (
    "DROP INDEX account_link_pair_uniq;"
    " CREATE UNIQUE INDEX account_link_pair_uniq ON account_link"
    " (least(member_a_id, member_b_id), greatest(member_a_id, member_b_id))"
    " WHERE hub_link_id IS NULL;"
    " CREATE UNIQUE INDEX account_link_remote_uniq ON account_link"
    " (hub_link_id, coalesce(member_a_id, member_b_id))"
    " WHERE hub_link_id IS NOT NULL AND status <> 'removing'"
)
PAIR_REVERSE_SQL = (
    "DROP INDEX account_link_remote_uniq; DROP INDEX account_link_pair_uniq;"
    " CREATE UNIQUE INDEX account_link_pair_uniq ON account_link"
    " (least(member_a_id, member_b_id), greatest(member_a_id, member_b_id))"
)


class Migration(BaseMigration):
    dependencies = [("models", "0048_guests")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="AccountLink",
            options={
                "table": "account_link",
                "app": "models",
                "constraints": [
                    CheckConstraint(check="hub_a_id <> hub_b_id", name="account_link_two_hubs"),
                    CheckConstraint(
                        check="(hub_link_id IS NULL AND member_a_id IS NOT NULL AND member_b_id IS NOT NULL AND hub_a_id IS NOT NULL AND hub_b_id IS NOT NULL) OR (hub_link_id IS NOT NULL AND ref IS NOT NULL AND ((member_a_id IS NOT NULL AND hub_a_id IS NOT NULL AND member_b_id IS NULL AND hub_b_id IS NULL) OR (member_b_id IS NOT NULL AND hub_b_id IS NOT NULL AND member_a_id IS NULL AND hub_a_id IS NULL)))",
                        name="account_link_sides",
                    ),
                    UniqueConstraint(fields=("hub_link_id", "ref"), name="account_link_ref_uniq"),
                ],
                "indexes": [Index(fields=["member_a_id"]), Index(fields=["member_b_id"])],
                "pk_attr": "id",
                "table_description": "One person's two accounts in two hubs, linked (issue 22).",
            },
        ),
        ops.AlterField(
            model_name="AccountLink",
            name="hub_a",
            field=fields.ForeignKeyField(
                "models.Hub",
                source_field="hub_a_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AlterField(
            model_name="AccountLink",
            name="hub_b",
            field=fields.ForeignKeyField(
                "models.Hub",
                source_field="hub_b_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AlterField(
            model_name="AccountLink",
            name="member_a",
            field=fields.ForeignKeyField(
                "models.Member",
                source_field="member_a_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AlterField(
            model_name="AccountLink",
            name="member_b",
            field=fields.ForeignKeyField(
                "models.Member",
                source_field="member_b_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AlterField(
            model_name="AccountLink",
            name="status",
            field=fields.CharEnumField(
                description="PENDING: pending\nACTIVE: active\nREMOVING: removing",
                enum_type=AccountLinkStatus,
                max_length=10,
            ),
        ),
        ops.AlterField(
            model_name="AccountLink",
            name="token_hash",
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="fetched_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="hub_link",
            field=fields.ForeignKeyField(
                "models.HubLink",
                source_field="hub_link_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="ref",
            field=fields.UUIDField(null=True),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="remote_lines",
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="remote_member_id",
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="remote_minutes",
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name="AccountLink",
            name="remote_services",
            field=fields.IntField(null=True),
        ),
        ops.AddConstraint(
            model_name="AccountLink",
            constraint=CheckConstraint(
                check="(hub_link_id IS NULL AND member_a_id IS NOT NULL AND member_b_id IS NOT NULL AND hub_a_id IS NOT NULL AND hub_b_id IS NOT NULL) OR (hub_link_id IS NOT NULL AND ref IS NOT NULL AND ((member_a_id IS NOT NULL AND hub_a_id IS NOT NULL AND member_b_id IS NULL AND hub_b_id IS NULL) OR (member_b_id IS NOT NULL AND hub_b_id IS NOT NULL AND member_a_id IS NULL AND hub_a_id IS NULL)))",
                name="account_link_sides",
            ),
        ),
        ops.AddConstraint(
            model_name="AccountLink",
            constraint=UniqueConstraint(
                fields=("hub_link_id", "ref"), name="account_link_ref_uniq"
            ),
        ),
        ops.RunSQL(sql=PAIR_SQL, reverse_sql=PAIR_REVERSE_SQL),
    ]
