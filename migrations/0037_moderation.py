"""Trust and safety (issue 21): reports grouped into cases, actions, hidden objects,
suspensions, flag rules; one open case per reported object (moderation_case_open_once)."""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import UniqueConstraint

from app.matching.models import NotificationKind
from app.moderation.models import ActionKind, AppealStatus, CaseStatus, Reason, Target


class Migration(BaseMigration):
    dependencies = [("models", "0036_gdpr_and_append_only_audit")]

    initial = False

    operations = [
        ops.CreateModel(
            name="FlagRules",
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
                    fields.OneToOneField(
                        "models.Hub",
                        source_field="hub_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("rules", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "moderation_flag_rules",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A hub's automatic flag rules (defaults in app/moderation/flags.py when it has none).",
            },
            bases=["Base"],
        ),
        ops.CreateModel(
            name="ModerationCase",
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
                    "target",
                    fields.CharEnumField(
                        description="MEMBER: member\nORGANISATION: organisation\nOPPORTUNITY: opportunity\nREVIEW: review\nVOUCHER_OFFER: voucher_offer\nASSET: asset\nCAMPAIGN: campaign\nTRIAL: trial\nSTORY: story",
                        enum_type=Target,
                        max_length=16,
                    ),
                ),
                ("object_id", fields.BigIntField()),
                (
                    "member",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="member_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=CaseStatus.OPEN,
                        description="OPEN: open\nRESOLVED: resolved",
                        enum_type=CaseStatus,
                        max_length=10,
                    ),
                ),
                ("severity", fields.SmallIntField(default=0)),
                ("report_count", fields.IntField(default=0)),
                ("flags", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "resolved_by",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="resolved_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("resolution_note", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "moderation_case",
                "app": "models",
                "indexes": [Index(fields=["hub_id", "status", "severity", "created_at"])],
                "pk_attr": "id",
                "table_description": "One reported (or automatically flagged) object while it waits for a moderator.",
            },
            bases=["Base"],
        ),
        ops.CreateModel(
            name="ModerationAction",
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
                    "case",
                    fields.ForeignKeyField(
                        "models.ModerationCase",
                        source_field="case_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="actions",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="HIDE: hide\nWARN: warn\nSUSPEND: suspend\nREINSTATE: reinstate\nDISMISS: dismiss",
                        enum_type=ActionKind,
                        max_length=10,
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
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "moderator",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="moderator_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "target",
                    fields.CharEnumField(
                        null=True,
                        description="MEMBER: member\nORGANISATION: organisation\nOPPORTUNITY: opportunity\nREVIEW: review\nVOUCHER_OFFER: voucher_offer\nASSET: asset\nCAMPAIGN: campaign\nTRIAL: trial\nSTORY: story",
                        enum_type=Target,
                        max_length=16,
                    ),
                ),
                ("object_id", fields.BigIntField(null=True)),
                ("reason", fields.TextField(default="", unique=False)),
                ("ends_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "appeal_status",
                    fields.CharEnumField(
                        default=AppealStatus.NONE,
                        description="NONE: none\nPENDING: pending\nUPHELD: upheld\nOVERTURNED: overturned",
                        enum_type=AppealStatus,
                        max_length=10,
                    ),
                ),
                ("appeal_note", fields.TextField(default="", unique=False)),
                (
                    "appealed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "decided_by",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="decided_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("decision_note", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "moderation_action",
                "app": "models",
                "indexes": [
                    Index(fields=["hub_id", "member_id"]),
                    Index(fields=["hub_id", "appeal_status"]),
                ],
                "pk_attr": "id",
                "table_description": "What a moderator did, the reason the member reads, and the one appeal against it.",
            },
            bases=["Base"],
        ),
        ops.CreateModel(
            name="HiddenObject",
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
                    "target",
                    fields.CharEnumField(
                        description="MEMBER: member\nORGANISATION: organisation\nOPPORTUNITY: opportunity\nREVIEW: review\nVOUCHER_OFFER: voucher_offer\nASSET: asset\nCAMPAIGN: campaign\nTRIAL: trial\nSTORY: story",
                        enum_type=Target,
                        max_length=16,
                    ),
                ),
                ("object_id", fields.BigIntField()),
                (
                    "action",
                    fields.ForeignKeyField(
                        "models.ModerationAction",
                        source_field="action_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "moderation_hidden",
                "app": "models",
                "constraints": [
                    UniqueConstraint(
                        fields=("hub_id", "target", "object_id", "action_id"),
                        name="moderation_hidden_once",
                    )
                ],
                "indexes": [
                    Index(fields=["hub_id", "target", "object_id"]),
                    Index(fields=["hub_id", "action_id"]),
                ],
                "pk_attr": "id",
                "table_description": "An object hidden from everyone but its owner side and moderators: by a moderator's HIDE",
            },
            bases=["Base"],
        ),
        ops.CreateModel(
            name="Report",
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
                    "case",
                    fields.ForeignKeyField(
                        "models.ModerationCase",
                        source_field="case_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="reports",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "reporter",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="reporter_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "reason",
                    fields.CharEnumField(
                        description="SPAM: spam\nPROMOTION: promotion\nHARASSMENT: harassment\nHATE: hate\nSAFEGUARDING: safeguarding\nSCAM: scam\nPERSONAL_DATA: personal_data\nINAPPROPRIATE: inappropriate\nOTHER: other",
                        enum_type=Reason,
                        max_length=16,
                    ),
                ),
                ("note", fields.TextField(default="", unique=False)),
            ],
            options={
                "table": "moderation_report",
                "app": "models",
                "constraints": [
                    UniqueConstraint(
                        fields=("case_id", "reporter_id"), name="moderation_report_once"
                    )
                ],
                "indexes": [Index(fields=["hub_id", "reporter_id"])],
                "pk_attr": "id",
            },
            bases=["Base"],
        ),
        ops.CreateModel(
            name="Suspension",
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
                    "member",
                    fields.ForeignKeyField(
                        "models.Member",
                        source_field="member_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "action",
                    fields.ForeignKeyField(
                        "models.ModerationAction",
                        source_field="action_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("ends_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("lifted_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("effects", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "moderation_suspension",
                "app": "models",
                "indexes": [Index(fields=["hub_id", "member_id"])],
                "pk_attr": "id",
                "table_description": "A member's suspension and what it changed, so that reinstatement restores it.",
            },
            bases=["Base"],
        ),
        ops.AlterField(
            model_name="Notification",
            name="kind",
            field=fields.CharEnumField(
                description="OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share\nCAMPAIGN_UPDATE: campaign_update\nCAMPAIGN_TIPPED: campaign_tipped\nCAMPAIGN_SUCCEEDED: campaign_succeeded\nCAMPAIGN_FAILED: campaign_failed\nTRIAL_SELECTED: trial_selected\nJOB_APPLICATION: job_application\nBADGE_AWARDED: badge_awarded\nLEVEL_REACHED: level_reached\nREPORT_OUTCOME: report_outcome\nMODERATION_ACTION: moderation_action\nAPPEAL_DECIDED: appeal_decided",
                enum_type=NotificationKind,
                max_length=24,
            ),
        ),
        ops.RunSQL(
            sql="CREATE UNIQUE INDEX moderation_case_open_once ON moderation_case"
            " (hub_id, target, object_id) WHERE status = 'open'",
            reverse_sql="DROP INDEX moderation_case_open_once",
        ),
    ]
