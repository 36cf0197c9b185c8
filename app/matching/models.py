"""Notifications: what members are told, why, and whether they have read it."""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.assets.models import Asset, WantedNotice
    from app.hubs.models import Hub
    from app.opportunities.models import Opportunity
    from app.people.models import Member


class NotificationKind(StrEnum):
    OPPORTUNITY_MATCH = "opportunity_match"
    SAVED_SEARCH = "saved_search"
    # Shared assets (app/assets/notices.py): `asset` says which.
    WANTED_MATCH = "wanted_match"  # a new listing fits your WANTED notice (`wanted_notice`)
    GIVEAWAY_REQUESTED = "giveaway_requested"  # someone asked for your item
    GIVEAWAY_CHOSEN = "giveaway_chosen"  # the owner chose you: the place is shown to you
    GIVEAWAY_DECLINED = "giveaway_declined"  # not chosen, or the item found another home
    OFF_SITE_SHARE = "off_site_share"  # a share made off the site, recorded: confirm it
    # Campaigns (app/campaigns): `data` holds campaign_id; at most one per member and `data.once`.
    CAMPAIGN_UPDATE = "campaign_update"  # the owner posted an update to a campaign you back
    CAMPAIGN_TIPPED = "campaign_tipped"  # a group buy you joined reached its tipping point
    CAMPAIGN_SUCCEEDED = "campaign_succeeded"  # your pledge was taken: the campaign succeeded
    CAMPAIGN_FAILED = "campaign_failed"  # it failed or was cancelled: your credits are free
    # Trials and paid jobs (issue 17): `data` holds trial_id or job_application_id, and `once`.
    TRIAL_SELECTED = "trial_selected"  # you are a tester of a product trial
    JOB_APPLICATION = "job_application"  # your job application was shortlisted, declined, offered
    # Badges (app/badges/notify.py): `data` holds award_id; at most one per award (`data.once`).
    BADGE_AWARDED = "badge_awarded"
    # `data` holds level_id; at most one per holder and level (badge_level_reached, `data.once`).
    LEVEL_REACHED = "level_reached"
    # Moderation (app/moderation/notify.py): `data` holds action_id or case_id, and `once`.
    REPORT_OUTCOME = "report_outcome"  # what became of your report
    MODERATION_ACTION = "moderation_action"  # a moderator acted on you or your content: why
    APPEAL_DECIDED = "appeal_decided"  # a hub admin upheld or overturned the action you appealed
    # Civic voice (app/civic): `data` holds report_id or idea_id, and `once`.
    PROBLEM_UPDATE = "problem_update"  # a report you made, said "me too" to or follow changed
    IDEA_ANSWER_DUE = "idea_answer_due"  # to the council: an idea waits for its answer
    IDEA_ANSWERED = "idea_answered"  # the council answered an idea you posted or supported


class Delivery(StrEnum):
    NOW = "now"  # in the app, and by email if the member wants it
    DIGEST = "digest"  # over the cap, in quiet hours, or by choice: goes in the next digest


# One thing a member is told. Its hub, member and opportunity are checked once per statement,
# not by foreign keys (migration 0051: a matching batch writes thousands of rows in one INSERT,
# and the member key's row lock was 40 % of its cost): the ORM keeps the relations
# (db_constraint=False); deleting a member or an opportunity deletes its notifications
# (triggers), as the cascade did.
class Notification(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT, db_constraint=False
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE, db_constraint=False
    )
    member_id: int
    kind = fields.CharEnumField(NotificationKind, max_length=24)
    opportunity: fields.ForeignKeyNullableRelation["Opportunity"] = fields.ForeignKeyField(
        "models.Opportunity",
        related_name=False,
        null=True,
        on_delete=fields.CASCADE,
        db_constraint=False,
    )
    opportunity_id: int | None
    asset: fields.ForeignKeyNullableRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, null=True, on_delete=fields.CASCADE
    )
    asset_id: int | None
    wanted_notice: fields.ForeignKeyNullableRelation["WantedNotice"] = fields.ForeignKeyField(
        "models.WantedNotice", related_name=False, null=True, on_delete=fields.CASCADE
    )
    wanted_notice_id: int | None
    title = fields.CharField(max_length=200)
    reason = fields.CharField(max_length=300, default="")
    delivery = fields.CharEnumField(Delivery, max_length=8, default=Delivery.NOW)
    score = fields.FloatField(default=0)
    read_at = fields.DatetimeField(null=True)
    digested_at = fields.DatetimeField(null=True)  # put in a digest email
    data: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "notification"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "member_id", "kind", "opportunity_id"), name="notification_once"
            ),
            # A listing is announced once per WANTED notice it fits (app/assets/wanted.py).
            UniqueConstraint(
                fields=("hub_id", "wanted_notice_id", "asset_id"), name="notification_wanted_once"
            ),
        )
        indexes = (("hub_id", "member_id", "created_at"), ("hub_id", "member_id", "read_at"))


class SavedSearch(Base):
    """'Gardening within 3 km at weekends': new matching opportunities notify the member."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    name = fields.CharField(max_length=80)
    text = fields.CharField(max_length=200, default="")
    category_ids: list[int] = fields.JSONField(default=list)
    skill_ids: list[int] = fields.JSONField(default=list)
    kind = fields.CharField(max_length=10, null=True)
    within_km = fields.FloatField(null=True)  # from the member's home
    weekdays: list[int] = fields.JSONField(default=list)  # ISO 1-7; empty: any day
    # The text's words and the longest of them (saved_searches.words_of): how a new listing
    # finds the searches it may match (migration 0056).
    words: list[str] = fields.JSONField(default=list)
    key = fields.CharField(max_length=40, default="")

    class Meta:
        table = "saved_search"
        indexes = (("hub_id", "member_id"),)


class MatchedOpportunity(Base):
    """A published opportunity the matching job has handled: written in the transaction that
    stores its notifications, so it is matched exactly once whichever job takes it."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    opportunity: fields.ForeignKeyRelation["Opportunity"] = fields.ForeignKeyField(
        "models.Opportunity", related_name=False, on_delete=fields.CASCADE
    )
    opportunity_id: int
    matched_at = fields.DatetimeField()  # when its notifications and email jobs were stored
    notified = fields.IntField(default=0)  # notifications stored for it (matches and searches)

    class Meta:
        table = "matched_opportunity"
        constraints = (
            UniqueConstraint(fields=("hub_id", "opportunity_id"), name="matched_opportunity_once"),
        )
