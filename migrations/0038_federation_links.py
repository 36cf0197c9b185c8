"""Credits across hubs (issue 22): links between hubs (one row per side) and each hub's
clearing account per partner (account.kind 'clearing', account.link_id). An account's link, like
its member, organisation and system, never changes (account_holder_kept, 0028, now covers it)."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.credits.models import AccountKind
from app.federation.models import LinkStatus

HOLDER_KEPT_SQL = """
DROP TRIGGER account_holder_kept ON account;
CREATE TRIGGER account_holder_kept
    BEFORE UPDATE OF member_id, organisation_id, system, link_id ON account
    FOR EACH ROW WHEN (OLD.member_id IS DISTINCT FROM NEW.member_id
        OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
        OR OLD.system IS DISTINCT FROM NEW.system
        OR OLD.link_id IS DISTINCT FROM NEW.link_id)
    EXECUTE FUNCTION ledger_rows_kept();
"""

HOLDER_KEPT_REVERSE_SQL = """
DROP TRIGGER account_holder_kept ON account;
CREATE TRIGGER account_holder_kept BEFORE UPDATE OF member_id, organisation_id, system ON account
    FOR EACH ROW WHEN (OLD.member_id IS DISTINCT FROM NEW.member_id
        OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
        OR OLD.system IS DISTINCT FROM NEW.system)
    EXECUTE FUNCTION ledger_rows_kept();
"""


class Migration(BaseMigration):
    dependencies = [("models", "0037_moderation")]

    initial = False

    operations = [
        ops.CreateModel(
            name="HubLink",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "hub",
                    fields.ForeignKeyField(
                        "models.Hub",
                        source_field="hub_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "partner_hub",
                    fields.ForeignKeyField(
                        "models.Hub",
                        source_field="partner_hub_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("partner_name", fields.CharField(max_length=120)),
                ("partner_slug", fields.CharField(max_length=60)),
                ("pair", fields.UUIDField()),
                (
                    "status",
                    fields.CharEnumField(
                        description="PROPOSED: proposed\nINVITED: invited\nACTIVE: active\nPAUSED: paused\nDECLINED: declined",
                        enum_type=LinkStatus,
                        max_length=10,
                    ),
                ),
                ("rate_numerator", fields.BigIntField(default=1)),
                ("rate_denominator", fields.BigIntField(default=1)),
                ("credit_limit", fields.BigIntField(default=0)),
                (
                    "allowed_categories",
                    fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads),
                ),
                (
                    "proposed_by",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="proposed_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("data", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "hub_link",
                "app": "models",
                "constraints": [
                    UniqueConstraint(
                        fields=("hub_id", "partner_slug"), name="hub_link_partner_uniq"
                    ),
                    UniqueConstraint(fields=("hub_id", "pair"), name="hub_link_pair_uniq"),
                    CheckConstraint(
                        check="rate_numerator > 0 AND rate_denominator > 0",
                        name="hub_link_rate_positive",
                    ),
                    CheckConstraint(check="credit_limit >= 0", name="hub_link_limit_not_negative"),
                ],
                "pk_attr": "id",
            },
            bases=["Base"],
        ),
        ops.AlterField(
            model_name="Account",
            name="kind",
            field=fields.CharEnumField(
                description="MEMBER: member\nORGANISATION: organisation\nSYSTEM: system\nCLEARING: clearing",
                enum_type=AccountKind,
                max_length=12,
            ),
        ),
        ops.AddField(
            model_name="Account",
            name="link",
            field=fields.ForeignKeyField(
                "models.HubLink",
                source_field="link_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddConstraint(
            model_name="Account",
            constraint=UniqueConstraint(fields=("hub_id", "link_id"), name="account_link_uniq"),
        ),
        ops.RunSQL(sql=HOLDER_KEPT_SQL, reverse_sql=HOLDER_KEPT_REVERSE_SQL),
    ]
