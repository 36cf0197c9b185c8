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
    from app.hubs.models import Hub
    from app.organisations.models import Organisation
    from app.people.models import Member


class AccountKind(StrEnum):
    MEMBER = "member"
    ORGANISATION = "organisation"
    SYSTEM = "system"


class SystemAccount(StrEnum):
    ISSUANCE = "issuance"  # source of earned credits
    MATCH_FUNDS = "match_funds"
    CAMPAIGN_ESCROW = "campaign_escrow"
    VOUCHER_SETTLEMENT = "voucher_settlement"


class TransferKind(StrEnum):
    EARN = "earn"
    EXCHANGE = "exchange"
    VOUCHER = "voucher"
    REFUND = "refund"
    PLEDGE = "pledge"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"


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
    balance = fields.BigIntField(default=0)
    held = fields.BigIntField(default=0)
    # How far below zero the available balance (balance - held) may go; NULL: no limit.
    overdraft_limit = fields.BigIntField(null=True, default=0)

    class Meta:
        table = "account"
        constraints = (
            UniqueConstraint(fields=("hub_id", "member_id"), name="account_member_uniq"),
            UniqueConstraint(fields=("hub_id", "organisation_id"), name="account_organisation_uniq"),
            UniqueConstraint(fields=("hub_id", "system"), name="account_system_uniq"),
            CheckConstraint(check="held >= 0", name="account_held_not_negative"),
            CheckConstraint(
                check="overdraft_limit IS NULL OR balance - held >= -overdraft_limit",
                name="account_within_limit",
            ),
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
    """One side of a posted transfer: append-only; corrections are reversing transfers."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    transfer: fields.ForeignKeyRelation[Transfer] = fields.ForeignKeyField(
        "models.Transfer", related_name="entries", on_delete=fields.RESTRICT
    )
    transfer_id: int
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name=False, on_delete=fields.RESTRICT
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
