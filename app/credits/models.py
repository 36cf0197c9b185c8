"""The community-credit ledger: accounts, transfers (posted or held) and their entries.

Double entry: every posted transfer writes two entries that sum to zero, so a hub's account
balances always sum to zero (the issuance account goes negative as credits are earned).
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

from app.models_base import Base

if TYPE_CHECKING:
    from app.federation.models import HubLink
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class AccountKind(StrEnum):
    MEMBER = "member"
    ORGANISATION = "organisation"
    SYSTEM = "system"
    CLEARING = "clearing"  # the hub's account with a partner hub (app/federation)


class SystemAccount(StrEnum):
    ISSUANCE = "issuance"  # source of earned credits
    MATCH_FUNDS = "match_funds"
    CAMPAIGN_ESCROW = "campaign_escrow"
    VOUCHER_SETTLEMENT = "voucher_settlement"
    PUBLIC_ASSETS = "public_assets"  # paid for the hub's own assets (bookings, loans)


class TransferKind(StrEnum):
    EARN = "earn"
    EXCHANGE = "exchange"
    VOUCHER = "voucher"
    REFUND = "refund"
    PLEDGE = "pledge"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"
    DEPOSIT = "deposit"  # a loan's refundable deposit: held, voided on return (or posted)
    RENTAL = "rental"  # the price of a booking or a loan, paid to the asset's owner side


class TransferStatus(StrEnum):
    PENDING = "pending"  # a hold: reserved, not yet moved
    POSTED = "posted"
    VOIDED = "voided"


class Account(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    kind = fields.CharEnumField(AccountKind, max_length=12)
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    member_id: int | None
    organisation: fields.ForeignKeyNullableRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    organisation_id: int | None
    system = fields.CharEnumField(SystemAccount, max_length=20, null=True)
    # A CLEARING account's link: its balance is the hub's net position with the partner.
    link: fields.ForeignKeyNullableRelation["HubLink"] = fields.ForeignKeyField(
        "models.HubLink", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    link_id: int | None
    balance = fields.BigIntField(default=0)
    held = fields.BigIntField(default=0)
    # How far below zero the available balance (balance - held) may go; NULL: no limit. An
    # account already further below when its limit was lowered stays there, but its available
    # balance may only go up until it is back within the limit: the ledger's check, backed by
    # the trigger account_within_limit (migration 0014_account_limit_lowered; a CHECK cannot
    # compare a row with its previous version).
    overdraft_limit = fields.BigIntField(null=True, default=0)

    class Meta:
        table = "account"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id"), name="account_member_uniq"),
            UniqueConstraint(
                fields=("hub_id", "organisation_id"), name="account_organisation_uniq"
            ),
            UniqueConstraint(fields=("hub_id", "system"), name="account_system_uniq"),
            UniqueConstraint(fields=("hub_id", "link_id"), name="account_link_uniq"),
            CheckConstraint(check="held >= 0", name="account_held_not_negative"),
        )


class Transfer(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    kind = fields.CharEnumField(TransferKind, max_length=12)
    status = fields.CharEnumField(TransferStatus, max_length=8)
    amount = fields.BigIntField()
    source: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT
    )
    source_id: int
    destination: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT
    )
    destination_id: int
    memo = fields.CharField(max_length=280, default="")
    category = fields.CharField(max_length=60, default="")
    # Transfers made together (several payers for one service) share a group id.
    group = fields.UUIDField(null=True)
    # What caused it, once: e.g. "hours:42" for the credits of hours record 42.
    reference = fields.CharField(max_length=80, null=True)
    reverses: fields.ForeignKeyNullableRelation["Transfer"] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    reverses_id: int | None
    initiated_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    initiated_by_id: int | None
    hold_expires_at = fields.DatetimeField(null=True)
    posted_at = fields.DatetimeField(null=True)
    voided_at = fields.DatetimeField(null=True)
    data: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "transfer"
        constraints = (
            CheckConstraint(check="amount > 0", name="transfer_amount_positive"),
            CheckConstraint(check="source_id <> destination_id", name="transfer_not_to_itself"),
            UniqueConstraint(fields=("hub_id", "reference"), name="transfer_reference_uniq"),
        )
        indexes = (("hub_id", "status", "hold_expires_at"), ("hub_id", "group"))


class Entry(Base):
    """One side of a posted transfer: append-only; corrections are reversing transfers.

    Its references are checked once per statement, not per row (migration 0022): the trigger
    entry_references_exist requires each inserted entry's transfer in its hub and its account
    one of that transfer's two (so its hub too), in one anti-join over the statement's rows,
    where three foreign keys cost three lookups per row (half of posting a campaign's
    settlement batch). No transfer or account is ever deleted or moved to another id or hub
    (ledger_rows_kept), which is what the foreign keys' RESTRICT and locks protected."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT, db_constraint=False
    )
    hub_id: int
    transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "models.Transfer", related_name="entries", on_delete=fields.RESTRICT, db_constraint=False
    )
    transfer_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT, db_constraint=False
    )
    account_id: int
    amount = fields.BigIntField()  # signed: negative leaves the account
    balance_after = fields.BigIntField()
    category = fields.CharField(max_length=60, default="")

    class Meta:
        table = "entry"
        indexes = (("hub_id", "account_id", "id"),)


class IdempotencyKey(Base):
    """The first result of a money-moving request, kept so a retry returns it again."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_id: int
    key = fields.CharField(max_length=100)
    operation = fields.CharField(max_length=40)
    request_hash = fields.CharField(max_length=64)
    result: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "idempotency_key"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id", "key"), name="idempotency_key_uniq"),
        )


class VoucherStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"
    REFUNDED = "refunded"
    EXPIRED = "expired"


class VoucherOffer(Base):
    """What a local business gives for credits: stock, validity, a limit per member."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    organisation: fields.ForeignKeyRelation["Organisation"] = fields.ForeignKeyField(
        "models.Organisation", related_name=False, on_delete=fields.RESTRICT
    )
    organisation_id: int
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    cost = fields.BigIntField()
    stock = fields.IntField()  # vouchers left
    per_member_limit = fields.IntField(default=1)
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    voucher_days = fields.IntField(default=30)  # how long an issued voucher can be used
    refund_unused = fields.BooleanField(default=False)
    active = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "voucher_offer"
        constraints = (
            CheckConstraint(check="cost > 0", name="voucher_offer_cost_positive"),
            CheckConstraint(check="stock >= 0", name="voucher_offer_stock_not_negative"),
            CheckConstraint(check="per_member_limit >= 1", name="voucher_offer_limit_positive"),
        )
        indexes = (("hub_id", "active", "valid_until"), ("hub_id", "organisation_id"))


class Voucher(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    offer: fields.ForeignKeyRelation[VoucherOffer] = fields.ForeignKeyField(
        "models.VoucherOffer", related_name="vouchers", on_delete=fields.RESTRICT
    )
    offer_id: int
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    member_id: int
    code = fields.CharField(max_length=32, unique=True)
    status = fields.CharEnumField(VoucherStatus, max_length=10, default=VoucherStatus.ISSUED)
    # The member's purchase; None for a voucher given free (a product trial's reward).
    transfer: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    transfer_id: int | None
    refund: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    refund_id: int | None
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    used_by_id: int | None

    class Meta:
        table = "voucher"
        indexes = (("hub_id", "member_id", "offer_id"), ("status", "expires_at"))


class RequestStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class ShareStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"  # the payer's share is held
    DECLINED = "declined"


class PaymentRequest(Base):
    """A member asks one or more payers to pay for a service; it completes atomically."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    requester: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    requester_id: int
    memo = fields.CharField(max_length=280, default="")
    category = fields.CharField(max_length=60, default="")
    status = fields.CharEnumField(RequestStatus, max_length=10, default=RequestStatus.PENDING)
    group = fields.UUIDField()
    expires_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_request"
        indexes = (("hub_id", "requester_id"), ("status", "expires_at"))


class PaymentShare(Base):
    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    request: fields.ForeignKeyRelation[PaymentRequest] = fields.ForeignKeyField(
        "models.PaymentRequest", related_name="shares", on_delete=fields.RESTRICT
    )
    request_id: int
    payer: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT
    )
    payer_id: int
    amount = fields.BigIntField()
    status = fields.CharEnumField(ShareStatus, max_length=10, default=ShareStatus.PENDING)
    hold: fields.ForeignKeyNullableRelation[Transfer] = fields.ForeignKeyField(
        "models.Transfer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    hold_id: int | None

    class Meta:
        table = "payment_share"
        constraints = (
            UniqueConstraint(
                fields=("hub_id", "request_id", "payer_id"), name="payment_share_uniq"
            ),
            CheckConstraint(check="amount > 0", name="payment_share_amount_positive"),
        )
        indexes = (("hub_id", "payer_id", "status"),)
