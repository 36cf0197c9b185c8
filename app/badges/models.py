"""Badges and levels of a hub, the awards (one per badge and holder, for ever: a revoked award
stays, revoked, so no recompute gives it back), success stories and leaderboard opt-ins.

A badge is a rule over a holder's record (app/badges/metrics.py): `metric` >= `threshold`,
optionally narrowed to an opportunity category or a skill and to a rolling period. Holders are
members or organisations (`holder_kind`); an award names exactly one of them.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.campaigns.models import Campaign
    from app.hubs.models import Hub
    from app.opportunities.models import Category, Opportunity
    from app.organisations.models import Organisation
    from app.people.models import Member, Skill


class HolderKind(StrEnum):
    MEMBER = "member"
    ORGANISATION = "organisation"


class Period(StrEnum):
    ALL_TIME = "all_time"
    PAST_YEAR = "past_year"  # the last 365 days
    PAST_MONTH = "past_month"  # the last 30 days


class StoryStatus(StrEnum):
    PENDING = "pending"  # waiting for a moderator: shown to its organisation's people only
    APPROVED = "approved"  # public on the organisation's profile
    REJECTED = "rejected"


HOLDER_SHAPE = (
    "(holder_kind = 'member' AND member_id IS NOT NULL AND organisation_id IS NULL)"
    " OR (holder_kind = 'organisation' AND organisation_id IS NOT NULL AND member_id IS NULL)"
)


class BadgeClass(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=80)
    # {"it": "...", "es": "..."}: the name in other languages, entered by hub admins
    # (app/hubs/translations.py); the API falls back to `name`.
    name_translations: dict[str, str] | None = fields.JSONField(null=True)
    description = fields.CharField(max_length=500)
    holder_kind = fields.CharEnumField(HolderKind, max_length=12, default=HolderKind.MEMBER)
    metric = fields.CharField(max_length=32)  # app/badges/metrics.py Metric
    threshold = fields.IntField()
    category: fields.ForeignKeyNullableRelation["Category"] = fields.ForeignKeyField(
        "models.Category", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    category_id: int | None
    skill: fields.ForeignKeyNullableRelation["Skill"] = fields.ForeignKeyField(
        "models.Skill", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    skill_id: int | None
    period = fields.CharEnumField(Period, max_length=12, default=Period.ALL_TIME)
    points = fields.IntField(default=10)
    colour = fields.CharField(max_length=7, default="#2e7d32")  # the badge image's colour
    active = fields.BooleanField(default=True)  # inactive: awarded no more, awards kept
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "badge_class"
        constraints = (
            UniqueConstraint(fields=("hub_id", "slug"), name="badge_class_slug_uniq"),
            CheckConstraint(check="threshold >= 0", name="badge_class_threshold_not_negative"),
            CheckConstraint(check="points >= 0", name="badge_class_points_not_negative"),
        )


class Level(Base):
    """A named level reached at `min_points` (the sum of the holder's badges' points)."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    name = fields.CharField(max_length=60)
    min_points = fields.IntField()

    class Meta:
        table = "badge_level"
        constraints = (
            UniqueConstraint(fields=("hub_id", "min_points"), name="badge_level_points_uniq"),
            UniqueConstraint(fields=("hub_id", "name"), name="badge_level_name_uniq"),
            CheckConstraint(check="min_points >= 0", name="badge_level_points_not_negative"),
        )


class Award(Base):
    """A badge given to a holder: exactly once (badge_award_member_uniq / _organisation_uniq).

    `uid` names its Open Badges assertion (/badges/assertions/{uid}); `salt` hashes the
    recipient's email there. `notified_at` is set once the member was told (app/badges/notify.py).
    """

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    badge_class: fields.ForeignKeyRelation[BadgeClass] = fields.ForeignKeyField(
        "models.BadgeClass", related_name=False, on_delete=fields.RESTRICT
    )
    badge_class_id: int
    holder_kind = fields.CharEnumField(HolderKind, max_length=12)
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    member_id: int | None
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    uid = fields.UUIDField(unique=True)
    salt = fields.CharField(max_length=32)
    awarded_at = fields.DatetimeField()
    awarded_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    awarded_by_id: int | None  # None: the rule engine
    notified_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    revoked_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    revoked_by_id: int | None
    revocation_reason = fields.CharField(max_length=500, default="")

    class Meta:
        table = "badge_award"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "badge_class_id", "member_id"), name="badge_award_member_uniq"
            ),
            UniqueConstraint(
                fields=("hub_id", "badge_class_id", "organisation_id"),
                name="badge_award_organisation_uniq",
            ),
            CheckConstraint(check=HOLDER_SHAPE, name="badge_award_one_holder"),
        )
        indexes = (
            ("hub_id", "member_id"),
            ("hub_id", "organisation_id"),
            ("hub_id", "awarded_at"),
        )


class LevelReached(Base):
    """A holder told they reached a level: at most once per level and holder
    (level_reached_member_uniq / _organisation_uniq), written by the notify job in the same
    transaction as the notification (app/badges/notify.py). Kept when a revocation drops the
    holder below the level again, so crossing it a second time tells nothing."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    level: fields.ForeignKeyRelation[Level] = fields.ForeignKeyField(
        "models.Level", related_name=False, on_delete=fields.CASCADE
    )
    level_id: int
    holder_kind = fields.CharEnumField(HolderKind, max_length=12)
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.CASCADE
    )
    member_id: int | None
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.CASCADE
    )
    organisation_id: int | None
    points = fields.IntField()  # the holder's points when it was reached
    told = fields.BooleanField()  # False: passed on the way to a higher level, told of that one

    class Meta:
        table = "badge_level_reached"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "level_id", "member_id"), name="level_reached_member_uniq"
            ),
            UniqueConstraint(
                fields=("hub_id", "level_id", "organisation_id"),
                name="level_reached_organisation_uniq",
            ),
            CheckConstraint(check=HOLDER_SHAPE, name="level_reached_one_holder"),
        )


class SuccessStory(Base):
    """An organisation's story of a completed opportunity, share or campaign of its own."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    organisation: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    organisation_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    author_id: int
    title = fields.CharField(max_length=160)
    body = fields.TextField()
    # What it tells of: exactly one (success_story_one_subject).
    opportunity: fields.ForeignKeyNullableRelation["Opportunity"] = fields.ForeignKeyField(
        "models.Opportunity", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    opportunity_id: int | None
    impact_record_id = fields.BigIntField(null=True)  # a completed share (impact_record)
    campaign: fields.ForeignKeyNullableRelation["Campaign"] = fields.ForeignKeyField(
        "models.Campaign", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    campaign_id: int | None
    status = fields.CharEnumField(StoryStatus, max_length=10, default=StoryStatus.PENDING)
    moderated_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    moderated_by_id: int | None
    moderated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "success_story"
        constraints = (
            CheckConstraint(
                check="num_nonnulls(opportunity_id, impact_record_id, campaign_id) = 1",
                name="success_story_one_subject",
            ),
        )
        indexes = (("hub_id", "organisation_id", "status"),)


class LeaderboardOptIn(Base):
    """A member who chose to appear on the hub's leaderboards (nobody appears otherwise)."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int

    class Meta:
        table = "leaderboard_opt_in"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id"), name="leaderboard_opt_in_uniq"),
        )
