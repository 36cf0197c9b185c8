"""Civic voice (issue 23): a problem report can become a community project (a campaign)."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration


class Migration(BaseMigration):
    dependencies = [("models", "0045_citydata_civic")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ProblemReport",
            name="campaign",
            field=fields.ForeignKeyField(
                "models.Campaign",
                source_field="campaign_id",
                db_constraint=True,
                to_field="id",
                related_name=False,
                null=True,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
