"""GraphQL types of payment requests."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from app.credits.models import PaymentRequest as PaymentRequestModel
from app.credits.models import PaymentShare as PaymentShareModel
from app.credits.models import RequestStatus as RequestStatusEnum
from app.credits.models import ShareStatus as ShareStatusEnum
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.relay import orm_node

if TYPE_CHECKING:
    from schema.people.types import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.people.types")]
PaymentRequestStatus = strawberry.enum(RequestStatusEnum, name="PaymentRequestStatus")
PaymentShareStatus = strawberry.enum(ShareStatusEnum, name="PaymentShareStatus")


@strawberry.type(description="One payer's part of a payment request.")
class PaymentShare:
    amount: int
    status: PaymentShareStatus  # type: ignore[valid-type]

    @strawberry.field
    async def payer(self, root: PaymentShareModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.payer_id)  # type: ignore[return-value]


@orm_node(PaymentRequestModel)
@strawberry.type(name="PaymentRequest", description="A request to pay for a service.")
class PaymentRequest(relay.Node):
    id: relay.NodeID[int]
    memo: str
    category: str
    status: PaymentRequestStatus  # type: ignore[valid-type]
    expires_at: datetime
    completed_at: datetime | None
    created_at: datetime

    @strawberry.field
    async def requester(self, root: PaymentRequestModel, info: Info) -> LazyMember | None:
        return await info.context.loaders.by_id(MemberModel).load(root.requester_id)  # type: ignore[return-value]

    @strawberry.field
    async def shares(self, root: PaymentRequestModel, info: Info) -> list[PaymentShare]:
        return await info.context.loaders.get("payment.shares", _shares).load(root.id)  # type: ignore[no-any-return]


def _shares(hub_id: int | None) -> Any:
    async def load(ids: list[int]) -> list[list[PaymentShareModel]]:
        rows = await PaymentShareModel.filter(hub_id=hub_id, request_id__in=ids).order_by("id")
        grouped: dict[int, list[PaymentShareModel]] = {i: [] for i in ids}
        for row in rows:
            grouped[row.request_id].append(row)
        return [grouped[i] for i in ids]

    return load
