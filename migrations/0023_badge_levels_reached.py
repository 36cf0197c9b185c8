"""Levels reached, told once (issue 16): badge_level_reached, one row per holder and level
(app/badges/levels_reached.py), and the LEVEL_REACHED notification kind. The levels holders
reached with the awards already told are recorded as told, so nobody is told at their next
award of a level they reached before this migration."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.badges.models import HolderKind
from app.matching.models import NotificationKind

BACKFILL_SQL = """
INSERT INTO badge_level_reached (hub_id, level_id, holder_kind, member_id, organisation_id,
    points, told, created_at)
SELECT p.hub_id, l.id, p.holder_kind, p.member_id, p.organisation_id, p.points, true, now()
FROM (
    SELECT a.hub_id, a.holder_kind, a.member_id, a.organisation_id, sum(b.points) AS points
      FROM badge_award a JOIN badge_class b ON b.id = a.badge_class_id
     WHERE a.revoked_at IS NULL AND a.notified_at IS NOT NULL
     GROUP BY 1, 2, 3, 4
) p JOIN badge_level l ON l.hub_id = p.hub_id AND l.min_points > 0 AND l.min_points <= p.points
ON CONFLICT DO NOTHING;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0022_entry_references_per_statement")]

    initial = False

    operations = [
        ops.CreateModel(
            name="LevelReached",
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
                    "level",
                    fields.ForeignKeyField(
                        "models.Level",
                        source_field="level_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "holder_kind",
                    fields.CharEnumField(
                        description="MEMBER: member\nORGANISATION: organisation",
                        enum_type=HolderKind,
                        max_length=12,
                    ),
                ),
                (
                    "member",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="member_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("points", fields.IntField()),
                ("told", fields.BooleanField()),
            ],
            options={
                "table": "badge_level_reached",
                "app": "models",
                "constraints": [
                    UniqueConstraint(
                        fields=("hub_id", "level_id", "member_id"), name="level_reached_member_uniq"
                    ),
                    UniqueConstraint(
                        fields=("hub_id", "level_id", "organisation_id"),
                        name="level_reached_organisation_uniq",
                    ),
                    CheckConstraint(
                        check="(holder_kind = 'member' AND member_id IS NOT NULL AND organisation_id IS NULL) OR (holder_kind = 'organisation' AND organisation_id IS NOT NULL AND member_id IS NULL)",
                        name="level_reached_one_holder",
                    ),
                ],
                "pk_attr": "id",
                "table_description": "A holder told they reached a level: at most once per level and holder",
            },
            bases=["Base"],
        ),
        ops.AlterField(
            model_name="Notification",
            name="kind",
            field=fields.CharEnumField(
                description="OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share\nCAMPAIGN_UPDATE: campaign_update\nCAMPAIGN_TIPPED: campaign_tipped\nCAMPAIGN_SUCCEEDED: campaign_succeeded\nCAMPAIGN_FAILED: campaign_failed\nTRIAL_SELECTED: trial_selected\nJOB_APPLICATION: job_application\nBADGE_AWARDED: badge_awarded\nLEVEL_REACHED: level_reached",
                enum_type=NotificationKind,
                max_length=24,
            ),
        ),
        ops.RunSQL(sql=BACKFILL_SQL, reverse_sql="DELETE FROM badge_level_reached;"),
    ]
