"""Who may see the ledger, vouchers and payment requests, and move credits."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.credits import holders
from app.credits.models import (
    Account,
    Entry,
    PaymentRequest,
    PaymentShare,
    Transfer,
    Voucher,
    VoucherOffer,
)
from app.moderation.models import Target
from app.moderation.visibility import MODERATING, not_hidden
from app.organisations.policy import people_of
from app.people.models import Role
from app.policy import (
    ANYONE,
    SIGNED_IN,
    HasRole,
    IsViewer,
    Linked,
    ModulePolicy,
    Through,
    Viewer,
    mutation,
    node,
    on,
    query,
    value,
)


def _own_account(viewer: Viewer) -> dict[str, Any] | None:
    return None if viewer.member_id is None else {"member_id": viewer.member_id}


@dataclass(frozen=True, repr=False)
class AccountHolder(Linked):
    """Linked to the viewer's own account. When this process knows the viewer's account id
    (app/credits/holders.py: the ledger tells it whose accounts it posted to), the answer
    needs no statement; otherwise it is the plain Linked query. As SQL, the plain Linked rule.

    A read does not fill it: a request then runs the same statements whatever was read
    before it in the process (the statement-count tests compare requests)."""

    def _known(self, viewer: Viewer) -> int | None:
        if viewer.member_id is None or viewer.hub_id is None:
            return None
        return holders.known(hub_id=viewer.hub_id, member_id=viewer.member_id)

    def quick(self, viewer: Viewer, row: Any) -> bool | None:
        account = self._known(viewer)
        if account is None:
            return super().quick(viewer, row)
        return getattr(row, self.field) == account

    async def check_many(self, viewer: Viewer, rows: Sequence[Any]) -> list[bool]:
        account = self._known(viewer)
        if account is None:
            return await super().check_many(viewer, rows)
        return [getattr(r, self.field) == account for r in rows]


def holder_of(field: str) -> Linked:
    """The account in the row's `field` is the viewer's own."""
    return AccountHolder("account_holder", field, Account, "id", _own_account)


def _paying(viewer: Viewer) -> dict[str, Any] | None:
    return None if viewer.member_id is None else {"payer_id": viewer.member_id}


REQUESTER = IsViewer("requester_id", "requester")
PAYER = Linked("payer", "id", PaymentShare, "request_id", _paying)
HUB_ADMIN = HasRole(Role.HUB_ADMIN)
HOLDER = IsViewer("member_id", "holder")
ISSUER = Through("offer", VoucherOffer, people_of("organisation_id"))

POLICY = ModulePolicy(
    types=[
        node(
            "Transfer",
            model=Transfer,
            see=holder_of("source_id") | holder_of("destination_id") | HUB_ADMIN,
            public=[
                "id",
                "kind",
                "status",
                "amount",
                "memo",
                "category",
                "createdAt",
                "postedAt",
                # The other side is as private as the transfer: only its parties see it.
                "source",
                "destination",
                "counterparty",
                "crossHub",
            ],
        ),
        node(
            "StatementEntry",
            model=Entry,
            see=holder_of("account_id"),
            public=[
                "id",
                "amount",
                "balanceAfter",
                "category",
                "createdAt",
                "transfer",
                "counterparty",
            ],
        ),
        node(
            "VoucherOffer",
            model=VoucherOffer,
            see=not_hidden(Target.VOUCHER_OFFER) | people_of("organisation_id") | MODERATING,
            public=[
                "id",
                "title",
                "description",
                "cost",
                "stock",
                "perMemberLimit",
                "validFrom",
                "validUntil",
                "voucherDays",
                "refundUnused",
                "active",
                "organisation",
            ],
        ),
        node(
            "Voucher",
            model=Voucher,
            # Its holder, and the issuing business's people (who check and use it at the till)
            # — but the code is the holder's alone: whoever has it can spend it.
            see=HOLDER | ISSUER,
            public=["id", "status", "expiresAt", "usedAt", "createdAt", "offer"],
            fields={"code": HOLDER},
            deny_with_error=["code"],
        ),
        node(
            "PaymentRequest",
            model=PaymentRequest,
            see=REQUESTER | PAYER,
            public=[
                "id",
                "memo",
                "category",
                "status",
                "expiresAt",
                "completedAt",
                "createdAt",
                "requester",
                "shares",
            ],
        ),
        value("PaymentShare", "part of a PaymentRequest, seen with it"),
        value("TransferParty", "a side of a Transfer or StatementEntry, seen with it"),
        value("CreditAccount", "myCredits: the viewer's own account"),
        value("HubCreditTotals", "hubCreditTotals (hub admins)"),
        value("CategoryTotal", "hubTransfersByCategory (hub admins)"),
        value("VoucherCheck", "voucherByCode: what the issuing business's till sees"),
    ],
    queries=[
        query("myCredits", SIGNED_IN),
        query("myStatement", SIGNED_IN),
        query("hubCreditTotals", HUB_ADMIN),
        query("voucherOffers", ANYONE),
        query("myVouchers", SIGNED_IN),
        # By its code, for the people of the business that issued it: the service answers
        # NOT_FOUND for an unknown code and FORBIDDEN for another business's (ISSUER).
        query("voucherByCode", SIGNED_IN, on("code", "Voucher", ISSUER)),
        query("myPaymentRequests", SIGNED_IN),
        query("hubTransfersByCategory", HUB_ADMIN),
    ],
    mutations=[
        mutation("payMember", SIGNED_IN),
        mutation("reverseTransfer", HUB_ADMIN),
        mutation(
            "createVoucherOffer",
            SIGNED_IN,
            on("organisationId", "Organisation", people_of("id")),
        ),
        mutation(
            "updateVoucherOffer",
            SIGNED_IN,
            on(
                "offerId",
                "VoucherOffer",
                people_of("organisation_id"),
            ),
        ),
        mutation("redeemVoucher", SIGNED_IN),
        # By its code, at the till of the business that issued it.
        mutation("useVoucher", SIGNED_IN, on("code", "Voucher", ISSUER)),
        mutation("requestPayment", SIGNED_IN),
        mutation("approvePaymentRequest", SIGNED_IN, on("requestId", "PaymentRequest", PAYER)),
        mutation("declinePaymentRequest", SIGNED_IN, on("requestId", "PaymentRequest", PAYER)),
        mutation("cancelPaymentRequest", SIGNED_IN, on("requestId", "PaymentRequest", REQUESTER)),
    ],
)
