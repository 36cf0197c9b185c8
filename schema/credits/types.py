"""GraphQL types of the credit ledger."""

from datetime import datetime

import strawberry
from strawberry import relay

from app.credits.errors import CreditsErrorCode as CreditsErrorCodeEnum
from app.credits.models import Account as AccountModel
from app.credits.models import Entry as EntryModel
from app.credits.models import Transfer as TransferModel
from app.credits.models import TransferKind as TransferKindEnum
from app.credits.models import TransferStatus as TransferStatusEnum
from schema.context import Info
from schema.relay import orm_node

CreditsErrorCode = strawberry.enum(CreditsErrorCodeEnum, name="CreditsErrorCode")
TransferKind = strawberry.enum(TransferKindEnum, name="TransferKind")
TransferStatus = strawberry.enum(TransferStatusEnum, name="TransferStatus")


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


@orm_node(TransferModel)
@strawberry.type(name="Transfer", description="Credits moved (or held) between two accounts.")
class Transfer(relay.Node):
    id: relay.NodeID[int]
    kind: TransferKind  # type: ignore[valid-type]
    status: TransferStatus  # type: ignore[valid-type]
    amount: int
    memo: str
    category: str
    created_at: datetime
    posted_at: datetime | None


@orm_node(EntryModel)
@strawberry.type(name="StatementEntry", description="One line of an account statement.")
class StatementEntry(relay.Node):
    id: relay.NodeID[int]
    amount: int = strawberry.field(description="Negative when credits left the account.")
    balance_after: int = strawberry.field(description="Running balance after this entry.")
    category: str
    created_at: datetime

    @strawberry.field
    async def transfer(self, root: EntryModel, info: Info) -> Transfer | None:
        return await info.context.loaders.by_id(TransferModel).load(root.transfer_id)  # type: ignore[return-value]
