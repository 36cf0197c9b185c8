"""Payload shared by the webhook mutations: the secret is shown when it is made."""

import strawberry

from schema.integrations.types import IntegrationError, WebhookEndpoint


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(
        default=None, description="Shown once (create and rotate): keep it to verify signatures."
    )
    errors: list[IntegrationError] = strawberry.field(default_factory=list)
