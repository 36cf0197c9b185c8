"""Matching in bursts (issue 19): matched_opportunity, one row per published opportunity a
matching batch has handled, written with its notifications (exactly once per opportunity)."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import UniqueConstraint


class Migration(BaseMigration):
    dependencies = [("models", "0026_citydata")]

    initial = False

    operations = [
        ops.CreateModel(
            name="MatchedOpportunity",
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
                    "opportunity",
                    fields.ForeignKeyField(
                        "models.Opportunity",
                        source_field="opportunity_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("matched_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("notified", fields.IntField(default=0)),
            ],
            options={
                "table": "matched_opportunity",
                "app": "models",
                "constraints": [
                    UniqueConstraint(
                        fields=("hub_id", "opportunity_id"), name="matched_opportunity_once"
                    )
                ],
                "pk_attr": "id",
                "table_description": "A published opportunity the matching job has handled: written in the transaction that",
            },
            bases=["Base"],
        ),
    ]
