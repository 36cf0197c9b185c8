"""What happens to a listing: giveaway requests, loans, bookings, shares recorded off the site,
and the private iCalendar feeds of bookings and loans.

Invariants in the database (migrations/0013_assets.py): the slots of one asset never overlap
(`booking_no_overlap`, an exclusion constraint on a half-open tstzrange, btree_gist), nor do
its approved or running loans (`loan_no_overlap`); a handover or return is complete only when
both sides confirmed it; each hold transfer serves one booking or loan.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.assets.models import AssetKind, Condition
from app.models_base import Base

if TYPE_CHECKING:
    from app.assets.models import Asset
    from app.credits.models import Transfer
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class GiveawayRequestStatus(StrEnum):
    PENDING = "pending"  # asked; the owner side has not chosen
    CHOSEN = "chosen"  # the owner side chose it: the exact place is shared, handover awaited
    HANDED_OVER = "handed_over"  # both sides confirmed the handover: the units are rehomed
    DECLINED = "declined"  # not chosen (or the item went to someone else)
    WITHDRAWN = "withdrawn"  # the requester changed their mind


class LoanStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # dates agreed; the deposit is held; handover awaited
    DECLINED = "declined"
    CANCELLED = "cancelled"  # before the handover, by either side
    ON_LOAN = "on_loan"  # both confirmed the handover
    OVERDUE = "overdue"  # on loan past its due time (set by the cron job)
    RETURNED = "returned"  # both confirmed the return (after any dispute, once resolved)
    DISPUTED = "disputed"  # the return is contested (condition, missing parts): a moderator decides


class DisputeResolution(StrEnum):
    DEPOSIT_RETURNED = "deposit_returned"  # the hold is voided
    DEPOSIT_TO_OWNER = "deposit_to_owner"  # the hold is posted to the owner


class BookingStatus(StrEnum):
    PENDING = "pending"  # waiting for the owner's approval: the slot is held meanwhile
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    NO_SHOW = "no_show"  # ended without a check-in: settled as used (app/assets/housekeeping.py)


# Bookings that keep their slot (booking_no_overlap); a used slot stays taken in the record.
SLOT_HOLDING = (
    BookingStatus.PENDING,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.CHECKED_OUT,
)
# Loans that keep their dates (loan_no_overlap): agreed, or the thing is out.
DATES_HOLDING = (LoanStatus.APPROVED, LoanStatus.ON_LOAN, LoanStatus.OVERDUE)


class ShareStatus(StrEnum):
    PENDING = "pending"  # recorded by the owner side, waiting for the other side
    CONFIRMED = "confirmed"  # the other side confirmed: it counts
    DECLINED = "declined"  # the other side says it did not happen


class FeedKind(StrEnum):
    ASSET = "asset"  # a bookable asset's bookings and loans, for its owner side
    MEMBER = "member"  # a member's bookings, loans due and accepted shifts


class GiveawayRequest(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    asset: fields.ForeignKeyRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, on_delete=fields.RESTRICT
    )
    asset_id: int
    requester: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    requester_id: int
    # Asking for an organisation (its people confirm the handover too).
    requester_organisation: fields.ForeignKeyNullableRelation["Organisation"] = (
        fields.ForeignKeyField(
            "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
        )
    )
    requester_organisation_id: int | None
    message = fields.TextField(default="")
    quantity = fields.IntField(default=1)
    status = fields.CharEnumField(
        GiveawayRequestStatus, max_length=12, default=GiveawayRequestStatus.PENDING
    )
    decided_at = fields.DatetimeField(null=True)  # chosen or declined
    owner_confirmed_at = fields.DatetimeField(null=True)
    owner_confirmed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    owner_confirmed_by_id: int | None
    receiver_confirmed_at = fields.DatetimeField(null=True)
    handed_over_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "giveaway_request"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "asset_id", "requester_id"), name="giveaway_request_once_uniq"
            ),
            CheckConstraint(
                check="quantity >= 1 AND quantity <= 100000", name="giveaway_request_quantity"
            ),
            CheckConstraint(
                check="status <> 'handed_over'"
                " OR (owner_confirmed_at IS NOT NULL AND receiver_confirmed_at IS NOT NULL)",
                name="giveaway_handover_by_both",
            ),
        )
        indexes = (("hub_id", "requester_id"), ("hub_id", "asset_id", "status"))


class Loan(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    asset: fields.ForeignKeyRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, on_delete=fields.RESTRICT
    )
    asset_id: int
    borrower: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    borrower_id: int
    borrower_organisation: fields.ForeignKeyNullableRelation["Organisation"] = (
        fields.ForeignKeyField(
            "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
        )
    )
    borrower_organisation_id: int | None
    message = fields.TextField(default="")
    starts_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    status = fields.CharEnumField(LoanStatus, max_length=10, default=LoanStatus.REQUESTED)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    # The price and deposit as they were when asked (the owner may change them later), and
    # the ledger holds that carry them (app.credits.ledger): voided or posted, never lost.
    price_credits = fields.BigIntField(default=0)
    deposit_credits = fields.BigIntField(default=0)
    payment_hold: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    payment_hold_id: int | None
    deposit_hold: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    deposit_hold_id: int | None
    handover_owner_confirmed_at = fields.DatetimeField(null=True)
    handover_borrower_confirmed_at = fields.DatetimeField(null=True)
    handed_over_at = fields.DatetimeField(null=True)
    return_owner_confirmed_at = fields.DatetimeField(null=True)
    return_borrower_confirmed_at = fields.DatetimeField(null=True)
    returned_at = fields.DatetimeField(null=True)
    return_condition = fields.CharEnumField(Condition, max_length=10, null=True)
    return_note = fields.CharField(max_length=500, default="")
    due_reminder_sent_at = fields.DatetimeField(null=True)
    overdue_notified_at = fields.DatetimeField(null=True)
    disputed_at = fields.DatetimeField(null=True)
    disputed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    disputed_by_id: int | None
    dispute_reason = fields.CharField(max_length=500, default="")
    resolution = fields.CharEnumField(DisputeResolution, max_length=16, null=True)
    resolution_note = fields.CharField(max_length=500, default="")
    resolved_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    resolved_by_id: int | None
    resolved_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "loan"
        constraints = (
            CheckConstraint(check="due_at > starts_at", name="loan_due_after_start"),
            CheckConstraint(
                check="price_credits >= 0 AND deposit_credits >= 0", name="loan_amounts"
            ),
            CheckConstraint(
                check="handed_over_at IS NULL OR (handover_owner_confirmed_at IS NOT NULL"
                " AND handover_borrower_confirmed_at IS NOT NULL)",
                name="loan_handover_by_both",
            ),
            CheckConstraint(
                check="returned_at IS NULL OR (return_owner_confirmed_at IS NOT NULL"
                " AND return_borrower_confirmed_at IS NOT NULL AND handed_over_at IS NOT NULL)",
                name="loan_return_by_both",
            ),
            UniqueConstraint(fields=("hub_id", "payment_hold_id"), name="loan_payment_hold_uniq"),
            UniqueConstraint(fields=("hub_id", "deposit_hold_id"), name="loan_deposit_hold_uniq"),
        )
        indexes = (("hub_id", "borrower_id", "status"), ("hub_id", "asset_id", "starts_at"))


class Booking(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    asset: fields.ForeignKeyRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, on_delete=fields.RESTRICT
    )
    asset_id: int
    booker: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    booker_id: int
    # Booked for an organisation (required when the asset is for organisations only).
    booker_organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    booker_organisation_id: int | None
    # The slot is the half-open range [starts_at, ends_at): back-to-back slots do not overlap.
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(BookingStatus, max_length=12, default=BookingStatus.PENDING)
    message = fields.TextField(default="")
    price_credits = fields.BigIntField(default=0)  # the whole slot's price when booked
    credit_hold: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    credit_hold_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    cancelled_at = fields.DatetimeField(null=True)
    cancelled_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    cancelled_by_id: int | None
    cancel_reason = fields.CharField(max_length=500, default="")
    checked_in_at = fields.DatetimeField(null=True)
    checked_out_at = fields.DatetimeField(null=True)
    reminder_sent_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "booking"
        constraints = (
            CheckConstraint(check="ends_at > starts_at", name="booking_ends_after_start"),
            CheckConstraint(check="price_credits >= 0", name="booking_price_not_negative"),
            UniqueConstraint(fields=("hub_id", "credit_hold_id"), name="booking_credit_hold_uniq"),
        )
        indexes = (("hub_id", "booker_id", "starts_at"), ("hub_id", "asset_id", "starts_at"))


class OffSiteShare(Base):
    """A giveaway or loan that happened off the site, recorded by the owner side: it counts
    (impact, profiles) only once the other side confirms it."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    asset: fields.ForeignKeyRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, on_delete=fields.RESTRICT
    )
    asset_id: int
    kind = fields.CharEnumField(AssetKind, max_length=10)
    recorded_by: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    recorded_by_id: int
    # The other side: a member or an organisation (one of the two).
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
    quantity = fields.IntField(default=1)
    occurred_on = fields.DateField()
    note = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(ShareStatus, max_length=10, default=ShareStatus.PENDING)
    answered_at = fields.DatetimeField(null=True)
    answered_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    answered_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "off_site_share"
        constraints = (
            CheckConstraint(
                check="num_nonnulls(receiver_member_id, receiver_organisation_id) = 1",
                name="off_site_share_one_receiver",
            ),
            CheckConstraint(check="kind IN ('giveaway', 'loan')", name="off_site_share_kind"),
            CheckConstraint(
                check="quantity >= 1 AND quantity <= 100000", name="off_site_share_quantity"
            ),
        )
        indexes = (
            ("hub_id", "asset_id"),
            ("hub_id", "receiver_member_id", "status"),
            ("hub_id", "receiver_organisation_id", "status"),
        )


class CalendarFeed(Base):
    """An unguessable, revocable iCalendar URL. Only the SHA-256 of its token is kept (a leaked
    table opens no calendar); a new token replaces a revoked one."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    kind = fields.CharEnumField(FeedKind, max_length=8)
    # Whose feed it is (a member's own), or who made it (an asset's, for its owner side).
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    asset: fields.ForeignKeyNullableRelation["Asset"] = fields.ForeignKeyField(
        "models.Asset", related_name=False, null=True, on_delete=fields.CASCADE
    )
    asset_id: int | None
    token_sha256 = fields.CharField(max_length=64)
    revoked_at = fields.DatetimeField(null=True)
    last_read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_feed"
        constraints = (
            # token first: a feed URL is found by its token alone.
            UniqueConstraint(fields=("token_sha256", "hub_id"), name="calendar_feed_token_uniq"),
            CheckConstraint(
                check="(kind = 'asset') = (asset_id IS NOT NULL)", name="calendar_feed_kind"
            ),
        )
        indexes = (("hub_id", "member_id"), ("hub_id", "asset_id"))
