"""Webhook queries (hub admins)."""

from collections.abc import Iterable

import strawberry
from strawberry import relay

from app.integrations.models import WebhookEndpoint as WebhookEndpointModel
from app.integrations.webhooks import EVENT_TYPES
from app.policy import visible
from schema.context import Info
from schema.integrations.types import WebhookEndpoint
from schema.relay import Page


@strawberry.type
class IntegrationQueries:
    @relay.connection(Page[WebhookEndpoint], description="The hub's webhook endpoints.")  # type: ignore[misc]
    async def webhook_endpoints(self, info: Info) -> Iterable[WebhookEndpoint]:
        viewer = info.context.viewer
        endpoints = WebhookEndpointModel.filter(hub_id=viewer.hub_id)
        return (await visible(viewer, "WebhookEndpoint", endpoints)).order_by("id")  # type: ignore[return-value]

    @strawberry.field(description="Event types an endpoint can subscribe to.")
    def webhook_event_types(self) -> list[str]:
        return list(EVENT_TYPES)
