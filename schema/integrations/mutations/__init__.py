"""Webhook mutations, one per module."""

import strawberry

from schema.integrations.mutations.create_webhook_endpoint import create_webhook_endpoint
from schema.integrations.mutations.rotate_webhook_secret import rotate_webhook_secret
from schema.integrations.mutations.set_webhook_endpoint_active import set_webhook_endpoint_active


@strawberry.type
class IntegrationMutations:
    create_webhook_endpoint = strawberry.mutation(resolver=create_webhook_endpoint)
    rotate_webhook_secret = strawberry.mutation(resolver=rotate_webhook_secret)
    set_webhook_endpoint_active = strawberry.mutation(resolver=set_webhook_endpoint_active)
