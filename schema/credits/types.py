"""GraphQL types of the credit ledger."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.credits.errors import CreditsErrorCode as CreditsErrorCodeEnum
from app.credits.ledger import DEFAULT_CATEGORY
from app.credits.models import Account as AccountModel
from app.credits.models import AccountKind as AccountKindEnum
from app.credits.models import Entry as EntryModel
from app.credits.models import SystemAccount as SystemAccountEnum
from app.credits.models import Transfer as TransferModel
from app.credits.models import TransferKind as TransferKindEnum
from app.credits.models import TransferStatus as TransferStatusEnum
from app.federation.models import HubLink as HubLinkModel
from app.i18n.stored import render
from app.organisations.models import Organisation as OrganisationModel
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.organisations.types import Organisation
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
LazyOrganisation = Annotated["Organisation", strawberry.lazy("schema.organisations.types")]

CreditsErrorCode = strawberry.enum(CreditsErrorCodeEnum, name="CreditsErrorCode")
TransferKind = strawberry.enum(TransferKindEnum, name="TransferKind")
TransferStatus = strawberry.enum(TransferStatusEnum, name="TransferStatus")
TransferPartyKind = strawberry.enum(
    AccountKindEnum,
    name="TransferPartyKind",
    description="MEMBER and ORGANISATION: that node is given. SYSTEM: one of the hub's own"
    " accounts (`system` says which). CLEARING: the hub's account with a partner hub"
    " (`partnerHub` names it): a payment to or from a member of that hub.",
)
SystemAccount = strawberry.enum(
    SystemAccountEnum,
    name="SystemAccount",
    description="The hub's own accounts. ISSUANCE: where earned credits come from."
    " MATCH_FUNDS: credits set aside to match donations. CAMPAIGN_ESCROW: pledges held until a"
    " campaign completes. VOUCHER_SETTLEMENT: settling business vouchers. PUBLIC_ASSETS:"
    " what members pay for booking or borrowing the hub's own assets.",
)
_DEFAULTS = ", ".join(f"{k.name} {v!r}" for k, v in DEFAULT_CATEGORY.items())
CATEGORY = (
    "Lower case. Given by whoever moved the credits, else the kind's default: " + _DEFAULTS + "."
)


@strawberry.type(
    name="TransferParty",
    description="One side of a transfer: a member, an organisation, or one of the hub's own"
    " accounts. Seen only with the transfer or statement line, by those who may see it.",
)
class TransferParty:
    kind: TransferPartyKind  # type: ignore[valid-type]
    system: SystemAccount | None = strawberry.field(  # type: ignore[valid-type]
        description="Which of the hub's accounts, when kind is SYSTEM."
    )

    @strawberry.field(description="When kind is CLEARING: the partner hub's name.")
    async def partner_hub(self, root: AccountModel, info: Info) -> str | None:
        if root.link_id is None:
            return None
        link = await info.context.loaders.by_id(HubLinkModel).load(root.link_id)
        return link.partner_name if link is not None else None

    @strawberry.field(description="When kind is MEMBER.")
    async def member(self, root: AccountModel, info: Info) -> LazyMember | None:
        if root.member_id is None:
            return None
        return await info.context.loaders.by_id(MemberModel).load(root.member_id)  # type: ignore[return-value]

    @strawberry.field(description="When kind is ORGANISATION.")
    async def organisation(self, root: AccountModel, info: Info) -> LazyOrganisation | None:
        if root.organisation_id is None:
            return None
        return await info.context.loaders.by_id(OrganisationModel).load(root.organisation_id)  # type: ignore[return-value]


async def _account(info: Info, account_id: int) -> AccountModel | None:
    return await info.context.loaders.by_id(AccountModel).load(account_id)


async def _other_side(info: Info, transfer: TransferModel, account_id: int) -> AccountModel | None:
    """The account of `transfer` that is not `account_id`."""
    if transfer.source_id == account_id:
        return await _account(info, transfer.destination_id)
    if transfer.destination_id == account_id:
        return await _account(info, transfer.source_id)
    return None


@strawberry.type(description="Why a credits mutation did not go through (nothing was moved).")
class CreditsError:
    code: CreditsErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str


@strawberry.type(name="CreditAccount", description="Credits in the hub's smallest unit.")
class CreditAccount:
    balance: int
    held: int = strawberry.field(description="Reserved by pending transfers (holds).")
    overdraft_limit: int | None = strawberry.field(description="Null: no limit.")

    @strawberry.field(description="What can be spent now: balance - held.")
    def available(self, root: AccountModel) -> int:
        return root.balance - root.held


@strawberry.type(
    name="CrossHubPayment",
    description="The other hub's side of a payment between members of two linked hubs.",
)
class CrossHubPayment:
    hub_name: str = strawberry.field(description="The partner hub.")
    member_name: str = strawberry.field(description="Who paid or was paid there.")
    amount: int = strawberry.field(description="In the partner hub's credits.")


def _memo(root: strawberry.Parent[TransferModel]) -> str:
    """The payer's words as written; a label of the hub's own (hours volunteered at a partner
    hub: data.texts.memo) in the reader's language."""
    texts = (root.data or {}).get("texts") or {}
    return render(texts["memo"]) if "memo" in texts else root.memo


@orm_node(TransferModel)
@strawberry.type(name="Transfer", description="Credits moved (or held) between two accounts.")
class Transfer(relay.Node):
    id: relay.NodeID[int]
    kind: TransferKind  # type: ignore[valid-type]
    status: TransferStatus  # type: ignore[valid-type]
    amount: int
    memo: str = strawberry.field(resolver=_memo)
    category: str = strawberry.field(description=CATEGORY)
    created_at: datetime
    posted_at: datetime | None

    @strawberry.field(description="Null unless the credits came from or went to a partner hub.")
    def cross_hub(self, root: TransferModel) -> CrossHubPayment | None:
        data = root.data or {}
        if "partner_hub" not in data:
            return None
        member = data.get("partner_member", "")
        texts = data.get("texts") or {}
        if member and "partner_member" in texts:  # a label of ours ("member 12"): translated
            member = render(texts["partner_member"])
        return CrossHubPayment(
            hub_name=data["partner_hub"],
            member_name=member,
            amount=int(data.get("partner_amount", 0)),
        )

    @strawberry.field(description="Where the credits came from.")
    async def source(self, root: TransferModel, info: Info) -> TransferParty:
        return await _account(info, root.source_id)  # type: ignore[return-value]

    @strawberry.field(description="Where the credits went.")
    async def destination(self, root: TransferModel, info: Info) -> TransferParty:
        return await _account(info, root.destination_id)  # type: ignore[return-value]

    @strawberry.field(
        description="The other side from where you stand: whom you paid, or who paid you."
        " Null when you are not a party (a hub admin looking: see source and destination)."
    )
    async def counterparty(self, root: TransferModel, info: Info) -> TransferParty | None:
        member_id = info.context.viewer.member_id
        for mine, other in (
            (root.source_id, root.destination_id),
            (root.destination_id, root.source_id),
        ):
            account = await _account(info, mine)
            if member_id is not None and account is not None and account.member_id == member_id:
                return await _account(info, other)  # type: ignore[return-value]
        return None


@orm_node(EntryModel)
@strawberry.type(name="StatementEntry", description="One line of an account statement.")
class StatementEntry(relay.Node):
    id: relay.NodeID[int]
    amount: int = strawberry.field(description="Negative when credits left the account.")
    balance_after: int = strawberry.field(description="Running balance after this entry.")
    category: str = strawberry.field(description=CATEGORY)
    created_at: datetime

    @strawberry.field(
        description="Who was on the other side: whom you paid, who paid you, the business of a"
        " voucher, or the hub's own account (credits earned)."
    )
    async def counterparty(self, root: EntryModel, info: Info) -> TransferParty | None:
        transfer = await info.context.loaders.by_id(TransferModel).load(root.transfer_id)
        if transfer is None:
            return None
        return await _other_side(info, transfer, root.account_id)  # type: ignore[return-value]

    @strawberry.field
    async def transfer(self, root: EntryModel, info: Info) -> Transfer | None:
        return await info.context.loaders.by_id(TransferModel).load(root.transfer_id)  # type: ignore[return-value]
