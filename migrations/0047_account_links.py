"""Linked accounts (issue 22): one person's accounts in two hubs of this installation, so
that each portfolio shows the verified hours of both. One row per unordered pair of accounts."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import CheckConstraint

from app.federation.models import AccountLinkStatus

PAIR_SQL = (
    "CREATE UNIQUE INDEX account_link_pair_uniq ON account_link"
    " (least(member_a_id, member_b_id), greatest(member_a_id, member_b_id))"
)
PAIR_REVERSE_SQL = "DROP INDEX account_link_pair_uniq"


class Migration(BaseMigration):
    dependencies = [("models", "0046_problem_to_project")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AccountLink",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "hub_a",
                    fields.ForeignKeyField(
                        "models.Hub",
                        source_field="hub_a_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "member_a",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="member_a_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "hub_b",
                    fields.ForeignKeyField(
                        "models.Hub",
                        source_field="hub_b_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "member_b",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="member_b_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="PENDING: pending\nACTIVE: active",
                        enum_type=AccountLinkStatus,
                        max_length=10,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "confirmed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "account_link",
                "app": "models",
                "constraints": [
                    CheckConstraint(check="hub_a_id <> hub_b_id", name="account_link_two_hubs")
                ],
                "indexes": [Index(fields=["member_a_id"]), Index(fields=["member_b_id"])],
                "pk_attr": "id",
                "table_description": "One person's two accounts in two hubs of this installation, linked (issue 22).",
            },
            bases=["Base"],
        ),
        ops.RunSQL(sql=PAIR_SQL, reverse_sql=PAIR_REVERSE_SQL),
    ]
