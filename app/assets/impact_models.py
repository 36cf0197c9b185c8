"""The impact of sharing: a factor table per asset category (hub admins edit it; defaults and
their published sources in app/assets/categories.py) and one record per completed share.

Quantities are integers, as every amount in the hub: grams diverted, grams of CO2e avoided,
money in the currency's minor unit (pence, cents). A record keeps the numbers it was computed
with, so editing a factor later changes future records only.
"""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.assets.models import OWNER_SHAPE, OwnerKind
from app.models_base import Base

if TYPE_CHECKING:
    from app.assets.models import Asset, AssetCategory
    from app.assets.sharing_models import Booking, GiveawayRequest, Loan, OffSiteShare
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class ImpactFactor(Base):
    """How much one share in a category counts."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    category: fields.ForeignKeyRelation["AssetCategory"] = fields.ForeignKeyField(
        "models.AssetCategory", related_name=False, on_delete=fields.RESTRICT
    )
    category_id: int
    # Weight of one item when its listing gives none.
    item_weight_g = fields.IntField(default=0)
    # CO2e avoided per kg reused instead of made new (g CO2e per kg = kg CO2e per tonne).
    co2e_g_per_kg = fields.IntField(default=0)
    # What the receiver saves by not buying one new, and (bookables) an hour's hire elsewhere.
    value_minor_per_item = fields.IntField(default=0)
    value_minor_per_hour = fields.IntField(default=0)
    currency = fields.CharField(max_length=3, default="GBP")  # ISO 4217
    # Share of a new item's weight, CO2e and value that one loan counts (a loan replaces part
    # of a purchase, not a whole one). The hub's assumption: no published source sets it.
    loan_share_pct = fields.SmallIntField(default=10)
    source = fields.CharField(max_length=500, default="")  # where the numbers come from
    updated_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    updated_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "impact_factor"
        constraints = (
            UniqueConstraint(fields=("hub_id", "category_id"), name="impact_factor_category_uniq"),
            CheckConstraint(
                check="item_weight_g >= 0 AND co2e_g_per_kg >= 0 AND value_minor_per_item >= 0"
                " AND value_minor_per_hour >= 0 AND loan_share_pct BETWEEN 0 AND 100",
                name="impact_factor_not_negative",
            ),
            CheckConstraint(check="currency ~ '^[A-Z]{3}$'", name="impact_factor_currency"),
        )


class ImpactRecord(Base):
    """What one completed share diverted and saved: exactly one cause, recorded once."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    # The cause: one of these four (impact_record_one_cause), each recorded once.
    giveaway_request: fields.ForeignKeyNullableRelation["GiveawayRequest"] = fields.ForeignKeyField(
        "models.GiveawayRequest", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    giveaway_request_id: int | None
    loan: fields.ForeignKeyNullableRelation["Loan"] = fields.ForeignKeyField(
        "models.Loan", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    loan_id: int | None
    booking: fields.ForeignKeyNullableRelation["Booking"] = fields.ForeignKeyField(
        "models.Booking", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    booking_id: int | None
    off_site_share: fields.ForeignKeyNullableRelation["OffSiteShare"] = fields.ForeignKeyField(
        "models.OffSiteShare", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    off_site_share_id: int | None
    asset: fields.ForeignKeyRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, on_delete=fields.RESTRICT
    )
    asset_id: int
    category: fields.ForeignKeyRelation["AssetCategory"] = fields.ForeignKeyField(
        "models.AssetCategory", related_name=False, on_delete=fields.RESTRICT
    )
    category_id: int
    factor: fields.ForeignKeyNullableRelation[ImpactFactor] = fields.ForeignKeyField(
        "models.ImpactFactor", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    factor_id: int | None
    quantity = fields.IntField(default=1)  # items given or lent
    minutes = fields.IntField(default=0)  # a booking's length
    diverted_g = fields.BigIntField(default=0)
    co2e_g = fields.BigIntField(default=0)
    value_minor = fields.BigIntField(default=0)
    currency = fields.CharField(max_length=3, default="GBP")
    # The two sides, for their profiles' totals.
    owner_kind = fields.CharEnumField(OwnerKind, max_length=12)
    owner_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    owner_member_id: int | None
    owner_organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    owner_organisation_id: int | None
    receiver_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    receiver_member_id: int | None
    receiver_organisation: fields.ForeignKeyNullableRelation["Organisation"] = (
        fields.ForeignKeyField(
            "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
        )
    )
    receiver_organisation_id: int | None
    occurred_at = fields.DatetimeField()

    class Meta:
        table = "impact_record"
        constraints = (
            CheckConstraint(
                check="num_nonnulls(giveaway_request_id, loan_id, booking_id, off_site_share_id)"
                " = 1",
                name="impact_record_one_cause",
            ),
            UniqueConstraint(
                fields=("hub_id", "giveaway_request_id"), name="impact_record_giveaway_uniq"
            ),
            UniqueConstraint(fields=("hub_id", "loan_id"), name="impact_record_loan_uniq"),
            UniqueConstraint(fields=("hub_id", "booking_id"), name="impact_record_booking_uniq"),
            UniqueConstraint(
                fields=("hub_id", "off_site_share_id"), name="impact_record_off_site_uniq"
            ),
            CheckConstraint(
                check="quantity >= 0 AND minutes >= 0 AND diverted_g >= 0 AND co2e_g >= 0"
                " AND value_minor >= 0",
                name="impact_record_not_negative",
            ),
            CheckConstraint(check=OWNER_SHAPE, name="impact_record_one_owner"),
            CheckConstraint(
                check="receiver_member_id IS NOT NULL OR receiver_organisation_id IS NOT NULL",
                name="impact_record_has_receiver",
            ),
        )
        indexes = (
            ("hub_id", "occurred_at"),
            ("hub_id", "owner_member_id"),
            ("hub_id", "owner_organisation_id"),
            ("hub_id", "receiver_member_id"),
            ("hub_id", "receiver_organisation_id"),
        )
