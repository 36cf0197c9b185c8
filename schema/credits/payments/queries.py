"""Payment-request and report queries."""

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from app.credits import service
from app.credits.models import PaymentRequest as PaymentRequestModel
from app.policy import visible
from schema.context import Info
from schema.credits.payments.types import PaymentRequest, PaymentRequestStatus
from schema.relay import Page


@strawberry.enum
class PaymentRequestRole(Enum):
    SENT = "sent"
    RECEIVED = "received"


@strawberry.type(description="Posted transfers of a period, per category and kind.")
class CategoryTotal:
    category: str
    kind: str
    transfers: int
    amount: int


@strawberry.type
class PaymentQueries:
    @relay.connection(Page[PaymentRequest], description="Requests you sent or must answer.")  # type: ignore[misc]
    async def my_payment_requests(
        self,
        info: Info,
        role: PaymentRequestRole,
        status: PaymentRequestStatus | None = None,  # type: ignore[valid-type]
    ) -> Iterable[PaymentRequest]:
        actor = info.context.require_actor()
        query = await visible(
            info.context.viewer, "PaymentRequest", PaymentRequestModel.filter(hub_id=actor.hub_id)
        )
        if role == PaymentRequestRole.SENT:
            query = query.filter(requester_id=actor.member_id)
        else:
            query = query.filter(shares__payer_id=actor.member_id)
        if status is not None:
            query = query.filter(status=status)
        return query.order_by("-created_at", "-id")  # type: ignore[return-value]

    @strawberry.field(description="Posted transfers per category and kind (hub admins).")
    async def hub_transfers_by_category(
        self, info: Info, since: datetime, until: datetime
    ) -> list[CategoryTotal]:
        rows = await service.transfers_by_category(
            actor=info.context.require_actor(), since=since, until=until
        )
        return [CategoryTotal(**r) for r in rows]
