"""rotateWebhookSecret: a new signing secret (the old one also signs for a day)."""

import strawberry

from app.integrations import webhooks
from app.integrations.errors import IntegrationErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.integrations.mutations.payloads import WebhookEndpointPayload
from schema.integrations.types import IntegrationError
from schema.relay import decode_id


@strawberry.input
class RotateWebhookSecretInput:
    endpoint_id: strawberry.ID


@errors_as_data(IntegrationError, E, WebhookEndpointPayload)
async def rotate_webhook_secret(
    input: RotateWebhookSecretInput, info: Info
) -> WebhookEndpointPayload:
    """Hub admins only."""
    endpoint = await webhooks.rotate_secret(
        actor=info.context.require_actor(),
        endpoint_id=decode_id(
            input.endpoint_id, "WebhookEndpoint", field="endpointId", invalid=E.INVALID
        ),
    )
    return WebhookEndpointPayload(endpoint=endpoint, secret=endpoint.secret)  # type: ignore[arg-type]
