"""Languages (issue 22): the member's chosen language (null: the hub's)."""

from tortoise import fields
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration


class Migration(BaseMigration):
    dependencies = [("models", "0039_federation_remote_payments")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Member",
            name="locale",
            field=fields.CharField(null=True, max_length=20),
        ),
    ]
