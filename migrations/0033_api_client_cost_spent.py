"""API clients' usage counts the query cost charged to their budget (issue 20)."""

from tortoise import fields

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration


class Migration(BaseMigration):
    dependencies = [("models", "0032_citydata_grid_rollup")]

    initial = False

    operations = [
        AddFieldWithDatabaseDefault(
            model_name="ApiClient",
            name="cost_spent",
            field=fields.BigIntField(default=0),
            sql="ALTER TABLE api_client ADD COLUMN cost_spent BIGINT NOT NULL DEFAULT 0",
        ),
    ]
