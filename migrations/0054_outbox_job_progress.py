"""A job that works through a list (the matching batch's emails, issue 19) records how far it
got, so a retry after a worker died resumes there instead of starting over."""

from tortoise import fields

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration


class Migration(BaseMigration):
    dependencies = [("models", "0053_notification_told_today")]

    initial = False

    operations = [
        AddFieldWithDatabaseDefault(
            model_name="OutboxJob",
            name="progress",
            field=fields.IntField(default=0),
            sql="ALTER TABLE outbox_job ADD COLUMN progress INT NOT NULL DEFAULT 0",
        ),
    ]
