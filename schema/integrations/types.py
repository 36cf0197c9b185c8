"""GraphQL types of webhook endpoints and their delivery log."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay
from tortoise.queryset import QuerySet

from app.integrations.errors import IntegrationErrorCode as IntegrationErrorCodeEnum
from app.integrations.models import DeliveryStatus as DeliveryStatusEnum
from app.integrations.models import WebhookDelivery as WebhookDeliveryModel
from app.integrations.models import WebhookEndpoint as WebhookEndpointModel
from schema import nested
from schema.context import Info
from schema.relay import Page, orm_node

_DELIVERIES = nested.Children(WebhookDeliveryModel, "endpoint_id", ("-created_at", "-id"))

IntegrationErrorCode = strawberry.enum(IntegrationErrorCodeEnum, name="IntegrationErrorCode")
WebhookDeliveryStatus = strawberry.enum(DeliveryStatusEnum, name="WebhookDeliveryStatus")


@strawberry.type(description="Why a webhook mutation did not go through.")
class IntegrationError:
    code: IntegrationErrorCode  # type: ignore[valid-type]
    field: str | None
    message: str


@orm_node(WebhookDeliveryModel)
@strawberry.type(name="WebhookDelivery", description="One event sent (or being retried).")
class WebhookDelivery(relay.Node):
    id: relay.NodeID[int]
    event_type: str
    message_id: str = strawberry.field(description="The webhook-id header: the same on retries.")
    status: WebhookDeliveryStatus  # type: ignore[valid-type]
    attempts: int
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime


@orm_node(WebhookEndpointModel)
@strawberry.type(name="WebhookEndpoint", description="A third party's URL for chosen events.")
class WebhookEndpoint(relay.Node):
    id: relay.NodeID[int]
    url: str
    description: str
    event_types: list[str]
    active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    created_at: datetime

    @relay.connection(Page[WebhookDelivery], description="The delivery log, newest first.")  # type: ignore[misc]
    async def deliveries(self, root: WebhookEndpointModel, info: Info) -> Iterable[WebhookDelivery]:
        async def build(ids: list[int]) -> QuerySet[WebhookDeliveryModel]:
            return WebhookDeliveryModel.filter(hub_id=root.hub_id, endpoint_id__in=ids)

        return await nested.page_rows(info, _DELIVERIES, root.id, build)  # type: ignore[no-any-return]
