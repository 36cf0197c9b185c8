"""Open data feeds (issue 18): the hub's licence of its feeds (app/opendata/licences.py), and
whether an organisation publishes its contact email to everyone (open data feeds too)."""

from tortoise import fields

from migrations._operations import AddFieldWithDatabaseDefault, BaseMigration


class Migration(BaseMigration):
    dependencies = [("models", "0024_feed_candidates_index_only")]

    initial = False

    operations = [
        AddFieldWithDatabaseDefault(
            model_name="Hub",
            name="open_data_licence",
            field=fields.CharField(default="OGL-UK-3.0", max_length=20),
            sql="ALTER TABLE hub ADD COLUMN open_data_licence VARCHAR(20) NOT NULL"
            " DEFAULT 'OGL-UK-3.0'",
        ),
        AddFieldWithDatabaseDefault(
            model_name="Organisation",
            name="contact_email_public",
            field=fields.BooleanField(default=False),
            sql="ALTER TABLE organisation ADD COLUMN contact_email_public BOOLEAN NOT NULL"
            " DEFAULT FALSE",
        ),
    ]
