"""Listings: asset categories, assets (things to give away, lend or book) and WANTED notices.

PostgreSQL-only parts (the full-text column, the partial indexes that serve search) are in the
migration (migrations/0013_assets.py); which query uses which index: app/assets/search.py.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class AssetKind(StrEnum):
    GIVEAWAY = "giveaway"  # an item to rehome: it changes hands for good
    LOAN = "loan"  # a thing lent for days, then returned
    BOOKABLE = "bookable"  # a space or equipment used by the hour, in slots


class AssetStatus(StrEnum):
    DRAFT = "draft"  # seen by its owner side (and moderators) only
    LISTED = "listed"  # in search, open to requests, loans and bookings
    HELD = "held"  # held for moderator review (promotions guard): `held_reason` says why
    REJECTED = "rejected"  # a moderator refused it (`review_note`); its owner may edit, relist
    REHOMED = "rehomed"  # a giveaway whose last unit has found a new home
    WITHDRAWN = "withdrawn"  # taken down by its owner side


class OwnerKind(StrEnum):
    MEMBER = "member"  # a member's own
    ORGANISATION = "organisation"  # an organisation's, managed by its people
    HUB = "hub"  # the hub's (council public assets), managed by hub admins and asset managers


class Condition(StrEnum):
    NEW = "new"
    LIKE_NEW = "like_new"
    GOOD = "good"
    FAIR = "fair"
    FOR_PARTS = "for_parts"  # not working: for repair or parts


class Audience(StrEnum):
    """Who may take, borrow or book an asset (everyone in the hub may see a listed one)."""

    ANYONE = "anyone"  # any member of the hub
    ORGANISATIONS = "organisations"  # only on behalf of an organisation (its people)
    CHECKED_MEMBERS = "checked_members"  # members holding every check in `required_checks`


class WantedStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


# The owner columns of a row carrying an owner side (asset, impact record): exactly one owner.
OWNER_SHAPE = (
    "(owner_kind = 'member' AND owner_member_id IS NOT NULL AND owner_organisation_id IS NULL)"
    " OR (owner_kind = 'organisation' AND owner_organisation_id IS NOT NULL"
    " AND owner_member_id IS NULL)"
    " OR (owner_kind = 'hub' AND owner_member_id IS NULL AND owner_organisation_id IS NULL)"
)


class AssetCategory(Base):
    """What an asset is, for finding it and for its impact (app/assets/categories.py).

    Not the opportunity categories: those are kinds of help (care, transport...); impact
    factors need material streams (furniture, IT equipment, textiles...) and spaces.
    """

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    slug = fields.CharField(max_length=60)
    name = fields.CharField(max_length=80)
    # {"it": "...", "es": "..."}: the name in other languages, entered by hub admins
    # (app/hubs/translations.py); the API falls back to `name`.
    name_translations: dict[str, str] | None = fields.JSONField(null=True)

    class Meta:
        table = "asset_category"
        constraints = (
            UniqueConstraint(fields=("hub_id", "slug"), name="asset_category_hub_slug_uniq"),
        )


class Asset(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    kind = fields.CharEnumField(AssetKind, max_length=10)
    status = fields.CharEnumField(AssetStatus, max_length=10, default=AssetStatus.DRAFT)
    # Owner side: a member, an organisation (its people manage it) or the hub itself.
    owner_kind = fields.CharEnumField(OwnerKind, max_length=12)
    owner_member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    owner_member_id: int | None
    owner_organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    owner_organisation_id: int | None
    # Who listed it (for an organisation's or the hub's asset: which of its people).
    listed_by: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    listed_by_id: int
    title = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    category: fields.ForeignKeyRelation[AssetCategory] = fields.ForeignKeyField(
        "models.AssetCategory", related_name=False, on_delete=fields.RESTRICT
    )
    category_id: int
    photos: list[str] = fields.JSONField(default=list)  # https URLs, at most 10
    condition = fields.CharEnumField(Condition, max_length=10, null=True)  # null for spaces
    # Units left to give away (a giveaway's drops as units are rehomed); 1 for loans, bookables.
    quantity = fields.IntField(default=1)
    weight_g = fields.IntField(null=True)  # one unit's weight in grams (impact; kg in the API)
    # Exact place and contact: only for the owner side and accepted counterparts.
    lat = fields.FloatField(null=True)
    lng = fields.FloatField(null=True)
    address = fields.CharField(max_length=200, default="")
    contact_details = fields.CharField(max_length=500, default="")
    # Public area and H3 cells at three resolutions (0.5, 3 and 23 km edges), as opportunities.
    area_name = fields.CharField(max_length=120, default="")
    cell8 = fields.CharField(max_length=16, null=True)
    cell6 = fields.CharField(max_length=16, null=True)
    cell4 = fields.CharField(max_length=16, null=True)
    # The owner's rules.
    requires_approval = fields.BooleanField(default=True)  # else loans and bookings are instant
    # [{"weekday": 1-7 (ISO), "from": "HH:MM", "to": "HH:MM" (or "24:00")}] in the hub's time
    # zone; a booking fits inside one window of its local day. Empty: open at any time.
    opening_hours: list[dict[str, Any]] = fields.JSONField(default=list)
    min_minutes = fields.IntField(null=True)  # shortest booking or loan
    max_minutes = fields.IntField(null=True)  # longest booking or loan
    notice_minutes = fields.IntField(default=0)  # how long before its start one must ask
    cancel_notice_minutes = fields.IntField(default=0)  # cancelling later than this is late
    audience = fields.CharEnumField(Audience, max_length=16, default=Audience.ANYONE)
    required_checks: list[str] = fields.JSONField(default=list)  # CheckKind values
    # Credits (the hub's smallest unit): per hour for a bookable, per loan for a loan; a
    # giveaway is always free. The deposit (loans only) is held and given back on return.
    price_credits = fields.BigIntField(default=0)
    deposit_credits = fields.BigIntField(default=0)
    listed_at = fields.DatetimeField(null=True)
    withdrawn_at = fields.DatetimeField(null=True)
    rehomed_at = fields.DatetimeField(null=True)
    # Moderation: why the promotions guard held it, and the moderator's decision.
    held_reason = fields.CharField(max_length=500, default="")
    held_at = fields.DatetimeField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    reviewed_by_id: int | None
    reviewed_at = fields.DatetimeField(null=True)
    review_note = fields.CharField(max_length=500, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "asset"
        constraints = (
            CheckConstraint(check=OWNER_SHAPE, name="asset_one_owner"),
            CheckConstraint(
                check="quantity >= 0 AND quantity <= 100000"
                " AND (kind = 'giveaway' OR quantity = 1)",
                name="asset_quantity_range",
            ),
            CheckConstraint(
                check="weight_g IS NULL OR (weight_g >= 0 AND weight_g <= 100000000)",
                name="asset_weight_range",
            ),
            CheckConstraint(
                check="(min_minutes IS NULL OR min_minutes > 0)"
                " AND (max_minutes IS NULL OR max_minutes > 0)"
                " AND (min_minutes IS NULL OR max_minutes IS NULL OR min_minutes <= max_minutes)"
                " AND notice_minutes >= 0 AND cancel_notice_minutes >= 0",
                name="asset_lengths_valid",
            ),
            CheckConstraint(
                check="price_credits >= 0 AND deposit_credits >= 0"
                " AND (kind <> 'giveaway' OR price_credits = 0)"
                " AND (kind = 'loan' OR deposit_credits = 0)",
                name="asset_pricing_by_kind",
            ),
            CheckConstraint(
                check="(audience = 'checked_members') = (jsonb_array_length(required_checks) > 0)",
                name="asset_audience_checks",
            ),
            CheckConstraint(
                check="status IN ('draft', 'withdrawn') OR (lat IS NOT NULL AND cell8 IS NOT NULL)",
                name="asset_listed_has_place",
            ),
        )
        indexes = (("hub_id", "owner_member_id"), ("hub_id", "owner_organisation_id"))


class WantedNotice(Base):
    """'Wanted: a desk': a new listing in its category within its reach notifies its author."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    author: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    author_id: int
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    status = fields.CharEnumField(WantedStatus, max_length=8, default=WantedStatus.OPEN)
    kind = fields.CharEnumField(AssetKind, max_length=10, null=True)  # null: any kind
    title = fields.CharField(max_length=160)
    description = fields.TextField(default="")
    category: fields.ForeignKeyRelation[AssetCategory] = fields.ForeignKeyField(
        "models.AssetCategory", related_name=False, on_delete=fields.RESTRICT
    )
    category_id: int
    # Where the author would collect from: exact point private, cells public (as assets).
    lat = fields.FloatField()
    lng = fields.FloatField()
    area_name = fields.CharField(max_length=120, default="")
    cell8 = fields.CharField(max_length=16)
    cell6 = fields.CharField(max_length=16)
    cell4 = fields.CharField(max_length=16)
    within_km = fields.IntField(default=5)  # how far the author would travel
    expires_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wanted_notice"
        constraints = (
            CheckConstraint(check="within_km >= 1 AND within_km <= 50", name="wanted_reach_range"),
        )
        indexes = (("hub_id", "author_id"),)
