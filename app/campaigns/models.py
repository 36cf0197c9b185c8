"""Crowd buying and community projects: campaigns, pledges that hold credits, match pots,
in-kind pledges, updates and group-buy orders (PRODUCT.md module 6, issue 14).

Every hold a campaign makes (pledges and match funds) is a pending ledger transfer carrying the
campaign's `hold_group`, destined for its recipient account: settlement posts or voids exactly
the pending ones, so a settlement cut off anywhere resumes where it stopped.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.assets.models import Asset
    from app.credits.models import Account, Transfer
    from app.hubs.models import Hub
    from app.opportunities.models import Application, Opportunity
    from app.organisations.models import Organisation
    from app.people.models import Member, Skill


class CampaignKind(StrEnum):
    GROUP_BUY = "group_buy"  # a supplier, a unit price, a tipping point, an optional maximum
    PROJECT = "project"  # a target in credits, all or nothing


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    TIPPED = "tipped"  # a group buy that reached its tipping point: the deal is on
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


LIVE = (CampaignStatus.OPEN, CampaignStatus.TIPPED)
ENDED = (CampaignStatus.SUCCEEDED, CampaignStatus.FAILED, CampaignStatus.CANCELLED)


class Campaign(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    kind = fields.CharEnumField(CampaignKind, max_length=10)
    status = fields.CharEnumField(CampaignStatus, max_length=10, default=CampaignStatus.DRAFT)
    title = fields.CharField(max_length=160)
    story = fields.TextField(default="")
    # The owner: a member, or an organisation (then `created_by` is the person who started it).
    owner_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    owner_member_id: int | None
    owner_organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    owner_organisation_id: int | None
    created_by: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    created_by_id: int
    # Group buys: the business that sells; its account receives the money.
    supplier: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    supplier_id: int | None
    recipient_account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT
    )
    recipient_account_id: int
    unit_price = fields.BigIntField(null=True)
    tipping_units = fields.IntField(null=True)
    max_units = fields.IntField(null=True)
    target = fields.BigIntField(null=True)
    deadline = fields.DatetimeField()
    # Projects: whether in-kind pledges (valued at the hub's rate) count toward the target.
    count_in_kind = fields.BooleanField(default=False)
    hold_group = fields.UUIDField()
    # Running totals of the live pledges, kept under the campaign's row lock.
    pledged = fields.BigIntField(default=0)
    units = fields.IntField(default=0)
    backers = fields.IntField(default=0)
    matched = fields.BigIntField(default=0)
    in_kind = fields.BigIntField(default=0)
    opened_at = fields.DatetimeField(null=True)
    tipped_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)  # the outcome was decided
    settled_at = fields.DatetimeField(null=True)  # every hold posted or voided
    # Projects with hour pledges: the opportunity made at success, with their accepted places.
    opportunity: fields.ForeignKeyNullableRelation["Opportunity"] = fields.ForeignKeyField(
        "models.Opportunity", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    opportunity_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "campaign"
        constraints = (
            CheckConstraint(check="pledged >= 0 AND matched >= 0", name="campaign_totals_ok"),
            # The backstop of "closes at its maximum": no pledge takes it past.
            CheckConstraint(
                check="max_units IS NULL OR units <= max_units", name="campaign_within_max"
            ),
        )
        indexes = (("hub_id", "status", "deadline"), ("status", "deadline"))


class PledgeStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    CAPTURED = "captured"  # posted to the recipient at success
    RELEASED = "released"  # voided at failure or cancellation


class Pledge(Base):
    """A backer's credits for a campaign: one per account and campaign, held until settled."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    campaign_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int  # who pledged (for an organisation: the person acting for it)
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT
    )
    account_id: int
    status = fields.CharEnumField(PledgeStatus, max_length=10, default=PledgeStatus.ACTIVE)
    amount = fields.BigIntField(default=0)
    units = fields.IntField(default=0)
    matched = fields.BigIntField(default=0)
    hold: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    hold_id: int | None
    anonymous = fields.BooleanField(default=False)
    cell = fields.CharField(max_length=16, null=True)  # the backer's home cell (match areas)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "campaign_pledge"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "campaign_id", "account_id"), name="campaign_pledge_once"
            ),
            CheckConstraint(
                check="amount >= 0 AND units >= 0", name="campaign_pledge_not_negative"
            ),
        )
        indexes = (("campaign_id", "status", "id"), ("hub_id", "member_id", "id"))


class MatchPot(Base):
    """A funder matches pledges: `ratio_num` credits per `ratio_den` pledged, capped."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    campaign_id: int
    funder: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    funder_id: int
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT
    )
    account_id: int
    created_by: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    created_by_id: int
    ratio_num = fields.IntField(default=1)
    ratio_den = fields.IntField(default=1)
    cap_per_backer = fields.BigIntField(null=True)
    total_cap = fields.BigIntField()
    # H3 cells (any resolution): only backers whose home lies in one are matched; empty: all.
    areas: list[str] = fields.JSONField(default=list)
    matched = fields.BigIntField(default=0)
    # One pending hold from the funder for everything the pot matches now (`matched`), made
    # again whenever that changes; settlement posts (or voids) it once, after the pledges.
    hold: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    hold_id: int | None

    class Meta:
        table = "campaign_match_pot"
        constraints = (
            UniqueConstraint(fields=("hub_id", "campaign_id", "funder_id"), name="match_pot_once"),
            CheckConstraint(check="matched >= 0 AND matched <= total_cap", name="match_pot_cap"),
            CheckConstraint(check="ratio_num > 0 AND ratio_den > 0", name="match_pot_ratio"),
        )


class MatchShare(Base):
    """What one pot matches of one pledge (the per-backer cap and the release when a pledge
    shrinks are decided from it); the credits are held by the pot's one hold (migration 0021
    moved the shares' own holds into their pots')."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    pot: fields.ForeignKeyRelation[MatchPot] = fields.ForeignKeyField(
        "models.MatchPot", related_name=False, on_delete=fields.RESTRICT
    )
    pot_id: int
    pledge: fields.ForeignKeyRelation[Pledge] = fields.ForeignKeyField(
        "models.Pledge", related_name=False, on_delete=fields.RESTRICT
    )
    pledge_id: int
    amount = fields.BigIntField(default=0)

    class Meta:
        table = "campaign_match_share"
        constraints = (
            UniqueConstraint(fields=("hub_id", "pot_id", "pledge_id"), name="match_share_once"),
        )
        indexes = (("pledge_id",),)


class InKindKind(StrEnum):
    HOURS = "hours"
    ITEM = "item"


class InKindStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"  # the project succeeded: hours became an accepted place
    LAPSED = "lapsed"  # the project failed or was cancelled


class InKindPledge(Base):
    """Hours of volunteering (with a skill) or an item, valued at the hub's rate."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    campaign_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int
    kind = fields.CharEnumField(InKindKind, max_length=6)
    status = fields.CharEnumField(InKindStatus, max_length=10, default=InKindStatus.ACTIVE)
    minutes = fields.IntField(default=0)
    skill: fields.ForeignKeyNullableRelation["Skill"] = fields.ForeignKeyField(
        "models.Skill", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    skill_id: int | None
    asset: fields.ForeignKeyNullableRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    asset_id: int | None
    description = fields.CharField(max_length=280, default="")
    value = fields.BigIntField()
    anonymous = fields.BooleanField(default=False)
    application: fields.ForeignKeyNullableRelation["Application"] = fields.ForeignKeyField(
        "models.Application", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    application_id: int | None

    class Meta:
        table = "campaign_in_kind"
        constraints = (
            CheckConstraint(check="value > 0 AND minutes >= 0", name="in_kind_value_positive"),
        )
        indexes = (("campaign_id", "status"), ("hub_id", "member_id"))


class CampaignUpdate(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    campaign_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    author_id: int
    title = fields.CharField(max_length=160)
    body = fields.TextField(default="")

    class Meta:
        table = "campaign_update"
        indexes = (("campaign_id", "id"),)


class OrderStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"


class GroupBuyOrder(Base):
    """A backer's order from a group buy that succeeded; the supplier redeems it by its code."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name=False, on_delete=fields.RESTRICT
    )
    campaign_id: int
    pledge: fields.ForeignKeyRelation[Pledge] = fields.ForeignKeyField(
        "models.Pledge", related_name=False, on_delete=fields.RESTRICT
    )
    pledge_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    supplier: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    supplier_id: int
    units = fields.IntField()
    unit_price = fields.BigIntField()
    total = fields.BigIntField()
    code = fields.CharField(max_length=16)
    status = fields.CharEnumField(OrderStatus, max_length=10, default=OrderStatus.OPEN)
    fulfilled_at = fields.DatetimeField(null=True)
    fulfilled_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    fulfilled_by_id: int | None
    data: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "group_buy_order"
        constraints = (
            UniqueConstraint(fields=("hub_id", "pledge_id"), name="group_buy_order_once"),
            UniqueConstraint(fields=("hub_id", "code"), name="group_buy_order_code_uniq"),
        )
        indexes = (("hub_id", "supplier_id", "id"), ("hub_id", "member_id", "id"))
