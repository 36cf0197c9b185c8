"""Links between hubs (issue 22): the terms two hubs' admins agreed, one row per side.

Each hub keeps its own row of a link (`pair` names the link on both sides), so each hub sees
and changes only its own rows, and a partner on another installation has its row there. Credits
cross a link through each hub's clearing account for the partner (app/credits: an Account of
kind CLEARING, `link_id` this row): its balance is the hub's net position with the partner, and
its overdraft limit is the credit this hub extends to the partner's members (`credit_limit`).
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.people.models import Member


class LinkStatus(StrEnum):
    PROPOSED = "proposed"  # this hub proposed it: the partner's admins have not answered
    INVITED = "invited"  # the partner proposed it: this hub's admins have not answered
    ACTIVE = "active"
    PAUSED = "paused"  # paused by either side: no payment either way until resumed
    DECLINED = "declined"


class HubLink(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    # The partner when it is a hub of this installation.
    partner_hub: fields.ForeignKeyNullableRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    partner_hub_id: int | None
    partner_name = fields.CharField(max_length=120)  # named on statements
    partner_slug = fields.CharField(max_length=60)
    pair = fields.UUIDField()  # the same on both sides' rows
    status = fields.CharEnumField(LinkStatus, max_length=10)
    # One credit of this hub is worth rate_numerator / rate_denominator of the partner's.
    rate_numerator = fields.BigIntField(default=1)
    rate_denominator = fields.BigIntField(default=1)
    # How far this hub's clearing account for the partner may go below zero: what the
    # partner's members may spend here, net, in this hub's credits.
    credit_limit = fields.BigIntField(default=0)
    # Lower-case categories a payment across the link may carry; empty: any.
    allowed_categories: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    proposed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    proposed_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)
    data: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "hub_link"
        constraints = (
            UniqueConstraint(fields=("hub_id", "partner_slug"), name="hub_link_partner_uniq"),
            UniqueConstraint(fields=("hub_id", "pair"), name="hub_link_pair_uniq"),
            CheckConstraint(
                check="rate_numerator > 0 AND rate_denominator > 0", name="hub_link_rate_positive"
            ),
            CheckConstraint(check="credit_limit >= 0", name="hub_link_limit_not_negative"),
        )
