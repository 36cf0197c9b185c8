"""Product trials: the trial, who applied, who was selected, their reports and ratings.

A selected tester's reward (credits) is held from the business's account when they are
selected and posted when their report first arrives, in the report's transaction: the report
is one per tester (trial_report_once), so the credits are earned exactly once. Holds of
testers who never reported are released when the trial closes.

A voucher reward works the same way with one of the business's voucher offers: a voucher of
the offer's stock is reserved at selection (the stock goes down by one), issued to the tester
with their first report (trial_report.reward_voucher, unique), and given back to the stock
when the trial closes without a report.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.credits.models import Transfer, Voucher, VoucherOffer
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class TrialStatus(StrEnum):
    DRAFT = "draft"
    RECRUITING = "recruiting"  # members apply; selection happens
    TESTING = "testing"  # no more applications; testers report until the window closes
    CLOSED = "closed"  # reports frozen; ratings readable


class Selection(StrEnum):
    CHOSEN = "chosen"  # the business picks its testers among the applicants
    FIRST_COME = "first_come"  # the first eligible applicants get the places


class Trial(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    organisation: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    organisation_id: int
    created_by: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    created_by_id: int
    title = fields.CharField(max_length=160)
    product = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    status = fields.CharEnumField(TrialStatus, max_length=12, default=TrialStatus.DRAFT)
    selection = fields.CharEnumField(Selection, max_length=12, default=Selection.CHOSEN)
    places = fields.IntField()
    selected = fields.IntField(default=0)  # kept under the trial's row lock
    dimensions: list[str] = fields.JSONField(default=list)  # 1-8 names, each rated 1-5
    questions: list[str] = fields.JSONField(default=list)  # free-text questions
    reward_credits = fields.BigIntField(default=0)  # per completed report, from the business
    reward_note = fields.CharField(max_length=300, default="")  # a voucher, the product...
    # A voucher per completed report, from one of the business's own voucher offers.
    reward_offer: fields.ForeignKeyNullableRelation["VoucherOffer"] = fields.ForeignKeyField(
        "models.VoucherOffer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reward_offer_id: int | None
    # Eligibility: distance from (lat, lng), an age band, interests or skills, trust checks.
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    within_km = fields.FloatField(null=True)
    min_age = fields.IntField(null=True)
    max_age = fields.IntField(null=True)
    interests: list[str] = fields.JSONField(default=list)  # any one of them
    skill_ids: list[int] = fields.JSONField(default=list)  # any one of them
    checks: list[str] = fields.JSONField(default=list)  # every one of them, verified, valid
    closes_at = fields.DatetimeField()  # the end of the window: reports editable until then
    publish_ratings = fields.BooleanField(default=False)  # shown on the business's profile
    opened_at = fields.DatetimeField(null=True)
    testing_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "trial"
        constraints = (
            CheckConstraint(
                check="places BETWEEN 1 AND 100000 AND selected BETWEEN 0 AND places",
                name="trial_places_ok",
            ),
            CheckConstraint(
                check="jsonb_array_length(dimensions) BETWEEN 1 AND 8",
                name="trial_dimensions_1_8",
            ),
            CheckConstraint(check="reward_credits >= 0", name="trial_reward_ok"),
        )
        indexes = (("hub_id", "status", "closes_at"), ("hub_id", "organisation_id", "id"))


class TrialApplicationStatus(StrEnum):
    APPLIED = "applied"
    SELECTED = "selected"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class TrialApplication(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    trial: fields.ForeignKeyRelation[Trial] = fields.ForeignKeyField(
        "models.Trial", related_name=False, on_delete=fields.RESTRICT
    )
    trial_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int
    status = fields.CharEnumField(
        TrialApplicationStatus, max_length=10, default=TrialApplicationStatus.APPLIED
    )
    note = fields.CharField(max_length=1000, default="")
    # The tester's reward, held from the business at selection (posted at the first report).
    reward_hold: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reward_hold_id: int | None
    # A voucher of the trial's offer, taken from its stock at selection (issued at the report).
    voucher_reserved_at = fields.DatetimeField(null=True)
    selected_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "trial_application"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "trial_id", "member_id"), name="trial_application_once"
            ),
        )
        indexes = (("trial_id", "status", "id"), ("hub_id", "member_id", "id"))


class TrialReport(Base):
    """A tester's report: one per tester and trial, editable until the window closes. The
    slice keys (area cells at three resolutions, age band) are taken at the first submission,
    so a slice never moves when a tester moves house or has a birthday."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    trial: fields.ForeignKeyRelation[Trial] = fields.ForeignKeyField(
        "models.Trial", related_name=False, on_delete=fields.RESTRICT
    )
    trial_id: int
    application: fields.ForeignKeyRelation[TrialApplication] = fields.ForeignKeyField(
        "models.TrialApplication", related_name=False, on_delete=fields.RESTRICT
    )
    application_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int
    comment = fields.TextField(default="")
    answers: list[str] = fields.JSONField(default=list)  # one per question, in order
    photos: list[str] = fields.JSONField(default=list)  # URLs
    share_identity = fields.BooleanField(default=False)  # name shown with the comment
    cell5 = fields.CharField(max_length=16, null=True)
    cell6 = fields.CharField(max_length=16, null=True)
    cell7 = fields.CharField(max_length=16, null=True)
    age_band = fields.CharField(max_length=8, null=True)
    reward_transfer: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reward_transfer_id: int | None
    reward_voucher: fields.ForeignKeyNullableRelation["Voucher"] = fields.ForeignKeyField(
        "models.Voucher", related_name=False, null=True, unique=True, on_delete=fields.RESTRICT
    )
    reward_voucher_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "trial_report"
        constraints = (
            UniqueConstraint(fields=("hub_id", "trial_id", "member_id"), name="trial_report_once"),
        )
        indexes = (("trial_id", "id"),)


class TrialRating(Base):
    """One dimension's score in a report (1-5): the rows the ratings queries aggregate."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    trial: fields.ForeignKeyRelation[Trial] = fields.ForeignKeyField(
        "models.Trial", related_name=False, on_delete=fields.RESTRICT
    )
    trial_id: int
    report: fields.ForeignKeyRelation[TrialReport] = fields.ForeignKeyField(
        "models.TrialReport", related_name=False, on_delete=fields.CASCADE
    )
    report_id: int
    dimension = fields.SmallIntField()  # index into the trial's dimensions
    score = fields.SmallIntField()

    class Meta:
        table = "trial_rating"
        constraints = (
            CheckConstraint(check="score BETWEEN 1 AND 5", name="trial_rating_1_5"),
            CheckConstraint(check="dimension BETWEEN 0 AND 7", name="trial_rating_dimension"),
            UniqueConstraint(fields=("report_id", "dimension"), name="trial_rating_once"),
        )
        indexes = (("trial_id", "dimension", "score"),)
