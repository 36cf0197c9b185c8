"""Reports grouped into cases (one open case per reported object), the actions moderators took,
what is hidden, suspensions, and each hub's tunable flag rules."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class Target(StrEnum):
    """What can be reported (and hidden): the API's type names, in snake case."""

    MEMBER = "member"
    ORGANISATION = "organisation"
    OPPORTUNITY = "opportunity"
    REVIEW = "review"
    VOUCHER_OFFER = "voucher_offer"
    ASSET = "asset"
    CAMPAIGN = "campaign"
    TRIAL = "trial"
    STORY = "story"


class Reason(StrEnum):
    SPAM = "spam"
    PROMOTION = "promotion"  # selling or advertising where sharing belongs
    HARASSMENT = "harassment"
    HATE = "hate"
    SAFEGUARDING = "safeguarding"  # a risk to a child or a vulnerable adult
    SCAM = "scam"
    PERSONAL_DATA = "personal_data"  # someone's contact details or address posted
    INAPPROPRIATE = "inappropriate"
    OTHER = "other"


# Higher first in the queue.
SEVERITY: dict[Reason, int] = {
    Reason.SAFEGUARDING: 5,
    Reason.HATE: 4,
    Reason.HARASSMENT: 4,
    Reason.SCAM: 3,
    Reason.PERSONAL_DATA: 3,
    Reason.INAPPROPRIATE: 2,
    Reason.PROMOTION: 1,
    Reason.SPAM: 1,
    Reason.OTHER: 1,
}


class CaseStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ActionKind(StrEnum):
    HIDE = "hide"  # the object is hidden from everyone but its owner side and moderators
    WARN = "warn"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    DISMISS = "dismiss"  # resolved with no action


class AppealStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    UPHELD = "upheld"
    OVERTURNED = "overturned"


class ModerationCase(Base):
    """One reported (or automatically flagged) object while it waits for a moderator."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    target = fields.CharEnumField(Target, max_length=16)
    object_id = fields.BigIntField()
    # The member answerable for the object (its author or poster), when there is one.
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    member_id: int | None
    status = fields.CharEnumField(CaseStatus, max_length=10, default=CaseStatus.OPEN)
    severity = fields.SmallIntField(default=0)
    report_count = fields.IntField(default=0)
    flags: list[str] = fields.JSONField(default=list)  # automatic flags (app/moderation/flags.py)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resolved_by_id: int | None
    resolution_note = fields.TextField(default="")

    class Meta:
        table = "moderation_case"
        # The queue: open cases by severity, oldest first. One open case per object is the
        # partial unique index moderation_case_open_once (migration).
        indexes = (("hub_id", "status", "severity", "created_at"),)


class Report(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    case: fields.ForeignKeyRelation[ModerationCase] = fields.ForeignKeyField(
        "models.ModerationCase", related_name="reports", on_delete=fields.CASCADE
    )
    case_id: int
    reporter: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    reporter_id: int
    reason = fields.CharEnumField(Reason, max_length=16)
    note = fields.TextField(default="")

    class Meta:
        table = "moderation_report"
        constraints = (
            UniqueConstraint(fields=("case_id", "reporter_id"), name="moderation_report_once"),
        )
        indexes = (("hub_id", "reporter_id"),)


class ModerationAction(Base):
    """What a moderator did, the reason the member reads, and the one appeal against it."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    case: fields.ForeignKeyNullableRelation[ModerationCase] = fields.ForeignKeyField(
        "models.ModerationCase", related_name="actions", null=True, on_delete=fields.SET_NULL
    )
    case_id: int | None
    kind = fields.CharEnumField(ActionKind, max_length=10)
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    member_id: int | None
    moderator: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    moderator_id: int | None
    target = fields.CharEnumField(Target, max_length=16, null=True)
    object_id = fields.BigIntField(null=True)
    reason = fields.TextField(default="")
    ends_at = fields.DatetimeField(null=True)  # a suspension's end; null: indefinite
    appeal_status = fields.CharEnumField(AppealStatus, max_length=10, default=AppealStatus.NONE)
    appeal_note = fields.TextField(default="")
    appealed_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.TextField(default="")

    class Meta:
        table = "moderation_action"
        indexes = (("hub_id", "member_id"), ("hub_id", "appeal_status"))


class HiddenObject(Base):
    """An object hidden from everyone but its owner side and moderators: by a moderator's HIDE
    (`action`) or while its member is suspended (`suspension`). The policy table's NOT_HIDDEN
    rule reads it, so the interpreter and the compiled reads hide the same rows."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    target = fields.CharEnumField(Target, max_length=16)
    object_id = fields.BigIntField()
    action: fields.ForeignKeyRelation[ModerationAction] = fields.ForeignKeyField(
        "models.ModerationAction", related_name=False, on_delete=fields.CASCADE
    )
    action_id: int

    class Meta:
        table = "moderation_hidden"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "target", "object_id", "action_id"),
                name="moderation_hidden_once",
            ),
        )
        indexes = (("hub_id", "target", "object_id"), ("hub_id", "action_id"))


class Suspension(Base):
    """A member's suspension and what it changed, so that reinstatement restores it."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    action: fields.ForeignKeyRelation[ModerationAction] = fields.ForeignKeyField(
        "models.ModerationAction", related_name=False, on_delete=fields.CASCADE
    )
    action_id: int
    ends_at = fields.DatetimeField(null=True)
    lifted_at = fields.DatetimeField(null=True)
    # What was paused or withdrawn: {"withdrawn_applications": [ids], ...}
    effects: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "moderation_suspension"
        indexes = (("hub_id", "member_id"),)


class FlagRules(Base):
    """A hub's automatic flag rules (defaults in app/moderation/flags.py when it has none)."""

    hub: fields.OneToOneRelation["Hub"] = fields.OneToOneField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    rules: dict[str, Any] = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "moderation_flag_rules"


def is_past(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now
