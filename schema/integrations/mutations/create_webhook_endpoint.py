"""createWebhookEndpoint: hub admins register a third party's URL for chosen event types."""

import strawberry

from app.integrations import webhooks
from app.integrations.errors import IntegrationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.integrations.mutations.payloads import WebhookEndpointPayload
from schema.integrations.types import IntegrationError


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    event_types: list[str]
    description: str = ""


@errors_as_data(IntegrationError, E, WebhookEndpointPayload)
async def create_webhook_endpoint(
    input: CreateWebhookEndpointInput, info: Info
) -> WebhookEndpointPayload:
    """Deliveries are signed per Standard Webhooks with the secret returned here."""
    endpoint = await webhooks.create_endpoint(
        actor=info.context.require_actor(),
        url=input.url,
        event_types=input.event_types,
        description=input.description,
    )
    return WebhookEndpointPayload(endpoint=endpoint, secret=endpoint.secret)  # type: ignore[arg-type]
