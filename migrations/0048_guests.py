"""Guests (issue 22): a member of a partner hub who applies to an opportunity here gets a guest
Member (`home_member_id`: their account in their own hub; one per hub and person), and what
their verified hours earn across the link is recorded once per hours record (guest_earning)."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import UniqueConstraint

from app.federation.models import GuestEarningStatus

HOME_SQL = (
    "CREATE INDEX member_home_member_idx ON member (home_member_id)"
    " WHERE home_member_id IS NOT NULL"
)
HOME_REVERSE_SQL = "DROP INDEX member_home_member_idx"


class Migration(BaseMigration):
    dependencies = [("models", "0047_account_links")]

    initial = False

    operations = [
        ops.CreateModel(
            name="GuestEarning",
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
                ("hours_record_id", fields.BigIntField(unique=True)),
                (
                    "link",
                    fields.ForeignKeyField(
                        "models.HubLink",
                        source_field="link_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        description="PAID: paid\nHELD: held",
                        enum_type=GuestEarningStatus,
                        max_length=5,
                    ),
                ),
                ("reason", fields.CharField(default="", max_length=40)),
                ("amount", fields.BigIntField()),
                ("transfer_id", fields.BigIntField(null=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "guest_earning",
                "app": "models",
                "indexes": [Index(fields=["link_id", "status"])],
                "pk_attr": "id",
                "table_description": "What a guest's verified hours earned across the link (app/federation/guests.py): one",
            },
            bases=["Base"],
        ),
        ops.AddField(
            model_name="Member",
            name="home_member",
            field=fields.ForeignKeyField(
                "models.Member",
                source_field="home_member_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        ops.AddConstraint(
            model_name="Member",
            constraint=UniqueConstraint(
                fields=("hub_id", "home_member_id"), name="member_guest_uniq"
            ),
        ),
        ops.RunSQL(sql=HOME_SQL, reverse_sql=HOME_REVERSE_SQL),
    ]
