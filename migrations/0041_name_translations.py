"""Languages (issue 22): hub admins' translations of taxonomy names (categories, skills, badges,
asset categories), {"it": "...", "es": "..."}; null: none."""

from orjson import loads
from tortoise import fields
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration


def _translations() -> fields.JSONField:  # type: ignore[type-arg]
    return fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)


class Migration(BaseMigration):
    dependencies = [("models", "0040_member_locale")]

    initial = False

    operations = [
        ops.AddField(model_name="Category", name="name_translations", field=_translations()),
        ops.AddField(model_name="Skill", name="name_translations", field=_translations()),
        ops.AddField(model_name="BadgeClass", name="name_translations", field=_translations()),
        ops.AddField(model_name="AssetCategory", name="name_translations", field=_translations()),
    ]
