"""Ideas members post for their area, the arguments for and against, and their supporters."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class Side(StrEnum):
    FOR = "for"
    AGAINST = "against"


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # the council will do it
    PARTLY = "partly"  # in part, or in another form
    REJECTED = "rejected"  # not, and the answer says why
    REFERRED = "referred"  # passed to a committee or another body


class Idea(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    author_id: int
    title = fields.CharField(max_length=160)
    body = fields.TextField()
    cell7 = fields.CharField(max_length=16)  # its area: a base cell of city data
    # Fixed when posted, from the hub's civic settings.
    threshold = fields.IntField()
    window_ends_at = fields.DatetimeField()
    support_count = fields.IntField(default=0)
    # Set once, by the support that reached the threshold within the window.
    threshold_reached_at = fields.DatetimeField(null=True)
    answer_due_at = fields.DatetimeField(null=True)
    answer = fields.TextField(default="")
    outcome = fields.CharEnumField(Outcome, max_length=10, null=True)
    answered_at = fields.DatetimeField(null=True)
    answered_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    answered_by_id: int | None
    created_at: datetime

    class Meta:
        table = "idea"
        indexes = (
            Index(fields=["hub_id", "id"]),
            Index(fields=["hub_id", "answer_due_at"]),
        )
        constraints = (
            CheckConstraint(check="support_count >= 0", name="idea_support_not_negative"),
        )


class IdeaArgument(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "models.Idea", related_name=False, on_delete=fields.CASCADE
    )
    idea_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    author_id: int
    side = fields.CharEnumField(Side, max_length=8)
    text = fields.CharField(max_length=1000)

    class Meta:
        table = "idea_argument"
        indexes = (Index(fields=["idea_id", "id"]),)


class IdeaSupport(Base):
    """One per member and idea while it stands; withdrawn (deleted) until the window closes."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "models.Idea", related_name=False, on_delete=fields.CASCADE
    )
    idea_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int

    class Meta:
        table = "idea_support"
        constraints = (
            UniqueConstraint(fields=("hub_id", "idea_id", "member_id"), name="idea_support_once"),
        )
