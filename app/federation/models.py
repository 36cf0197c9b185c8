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


class PaymentRole(StrEnum):
    PAYER = "payer"  # this installation's member pays: it decides commit or void
    PAYEE = "payee"  # a member here is paid: it follows the payer side's decision


class PaymentState(StrEnum):
    PREPARING = "preparing"  # payer: held here, PREPARE sent or to send
    PREPARED = "prepared"  # payee: held on the clearing account, waiting for the decision
    COMMITTING = "committing"  # payer: posted here, COMMIT to deliver
    VOIDING = "voiding"  # payer: voided here, VOID to deliver
    COMMITTED = "committed"  # final on this side (payer: the partner acknowledged)
    VOIDED = "voided"


FINAL = (PaymentState.COMMITTED, PaymentState.VOIDED)


class RemotePayment(Base):
    """One payment across a link to another installation, as this side knows it: a stored
    state machine (app/federation/protocol.py). `payment_id` is the same on both sides."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    link: fields.ForeignKeyRelation[HubLink] = fields.ForeignKeyField(
        "models.HubLink", related_name=False, on_delete=fields.RESTRICT
    )
    link_id: int
    payment_id = fields.UUIDField()
    role = fields.CharEnumField(PaymentRole, max_length=5)
    state = fields.CharEnumField(PaymentState, max_length=10)
    amount = fields.BigIntField()  # in this hub's credits
    partner_amount = fields.BigIntField()
    member_id = fields.BigIntField()  # the party here (payer or payee)
    remote_member_id = fields.BigIntField()
    hold_id = fields.BigIntField(null=True)  # the Transfer held here
    category = fields.CharField(max_length=60, default="")
    memo = fields.CharField(max_length=280, default="")
    refusal = fields.CharField(max_length=40, null=True)  # the partner's code, when refused
    deadline = fields.DatetimeField()  # no PREPARE is accepted after it
    attempts = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "federation_payment"
        constraints = (
            UniqueConstraint(fields=("hub_id", "payment_id"), name="federation_payment_uniq"),
        )
        indexes = (("state", "updated_at"),)


class AccountLinkStatus(StrEnum):
    PENDING = "pending"  # asked from one account; the other has not confirmed
    ACTIVE = "active"  # both emails proven: each portfolio shows the other's verified hours
    # Across installations only: removed here, the partner not yet told (the link sync delivers
    # `account_link_removed`, then the row goes). Shown nowhere, counted nowhere.
    REMOVING = "removing"


class AccountLink(Base):
    """One person's two accounts in two hubs, linked (issue 22).

    `member_a` asked (signed in to hub A, proving their verified email there); `member_b`
    confirmed with the token emailed to their verified address in hub B, or signed in to B.
    Symmetric once active: one row per pair of accounts (a unique index on the unordered pair,
    migration 0046), removable by either side. The token is kept as a SHA-256 hash only, and
    stays after confirmation so that a second use is told apart from an unknown token.

    Across installations (app/federation/remote_accounts.py) each installation keeps its own
    row: `hub_link` is the link with the partner installation's hub, `ref` the account link's
    id on both sides, `remote_member_id` the other account's member id there (learnt on
    confirmation by the asking side), and the side that is not here is null (hub_a/member_a on
    the confirming side's row, hub_b/member_b on the asking side's). `remote_*` cache the
    other account's verified hours as last fetched (`fetched_at`).
    """

    hub_a: fields.ForeignKeyNullableRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    hub_a_id: int | None
    member_a: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.CASCADE
    )
    member_a_id: int | None
    hub_b: fields.ForeignKeyNullableRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    hub_b_id: int | None
    member_b: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.CASCADE
    )
    member_b_id: int | None
    status = fields.CharEnumField(AccountLinkStatus, max_length=10)
    # Null on the asking side's row of a link across installations (nothing was emailed there).
    token_hash = fields.CharField(max_length=64, unique=True, null=True)
    expires_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True)
    # Across installations (null for a link within this installation):
    hub_link: fields.ForeignKeyNullableRelation[HubLink] = fields.ForeignKeyField(
        "models.HubLink", related_name=False, null=True, on_delete=fields.CASCADE
    )
    hub_link_id: int | None
    ref = fields.UUIDField(null=True)
    remote_member_id = fields.BigIntField(null=True)
    remote_minutes = fields.BigIntField(null=True)
    remote_services = fields.IntField(null=True)
    remote_lines: list[dict[str, Any]] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    fetched_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account_link"
        constraints = (
            CheckConstraint(check="hub_a_id <> hub_b_id", name="account_link_two_hubs"),
            # Within this installation both accounts are here; across installations exactly
            # one is, and the link's shared ref is known.
            CheckConstraint(
                check="(hub_link_id IS NULL AND member_a_id IS NOT NULL"
                " AND member_b_id IS NOT NULL AND hub_a_id IS NOT NULL AND hub_b_id IS NOT NULL)"
                " OR (hub_link_id IS NOT NULL AND ref IS NOT NULL AND ("
                "(member_a_id IS NOT NULL AND hub_a_id IS NOT NULL"
                " AND member_b_id IS NULL AND hub_b_id IS NULL)"
                " OR (member_b_id IS NOT NULL AND hub_b_id IS NOT NULL"
                " AND member_a_id IS NULL AND hub_a_id IS NULL)))",
                name="account_link_sides",
            ),
            UniqueConstraint(fields=("hub_link_id", "ref"), name="account_link_ref_uniq"),
        )
        indexes = (("member_a_id",), ("member_b_id",))


class GuestEarningStatus(StrEnum):
    PAID = "paid"  # crossed the link: the home member was credited
    HELD = "held"  # the link refused it (paused, over its limit): paid when it accepts again


class GuestEarning(Base):
    """What a guest's verified hours earned across the link (app/federation/guests.py): one
    row per hours record, in the hub where the hours were given (`hub`). Paid once: the row
    and the transfers' reference (`hours:<record id>`) are unique."""

    hub: fields.ForeignKeyRelation["Hub"] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.RESTRICT
    )
    hub_id: int
    hours_record_id = fields.BigIntField(unique=True)
    link: fields.ForeignKeyRelation[HubLink] = fields.ForeignKeyField(
        "models.HubLink", related_name=False, on_delete=fields.RESTRICT
    )
    link_id: int
    status = fields.CharEnumField(GuestEarningStatus, max_length=5)
    reason = fields.CharField(max_length=40, default="")  # the refusal's code while held
    amount = fields.BigIntField()  # in this hub's credits
    transfer_id = fields.BigIntField(null=True)  # this hub's transfer, once paid
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "guest_earning"
        indexes = (("link_id", "status"),)
