"""setWebhookEndpointActive: switch an endpoint on again (after fixing it) or off."""

import strawberry

from app.integrations import webhooks
from app.integrations.errors import IntegrationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.integrations.mutations.payloads import WebhookEndpointPayload
from schema.integrations.types import IntegrationError
from schema.relay import decode_id


@strawberry.input
class SetWebhookEndpointActiveInput:
    endpoint_id: strawberry.ID
    active: bool


@errors_as_data(IntegrationError, E, WebhookEndpointPayload)
async def set_webhook_endpoint_active(
    input: SetWebhookEndpointActiveInput, info: Info
) -> WebhookEndpointPayload:
    """Hub admins only; switching on resets the failure count."""
    endpoint = await webhooks.set_active(
        actor=info.context.require_actor(),
        endpoint_id=decode_id(
            input.endpoint_id, "WebhookEndpoint", field="endpointId", invalid=E.INVALID
        ),
        active=input.active,
    )
    return WebhookEndpointPayload(endpoint=endpoint)  # type: ignore[arg-type]
