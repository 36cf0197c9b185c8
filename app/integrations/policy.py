"""Webhook endpoints and their delivery log belong to the hub's admins."""

from app.integrations.models import WebhookDelivery, WebhookEndpoint
from app.people.models import Role
from app.policy import ANYONE, HasRole, ModulePolicy, mutation, node, query

HUB_ADMIN = HasRole(Role.HUB_ADMIN)

POLICY = ModulePolicy(
    types=[
        node(
            "WebhookEndpoint",
            model=WebhookEndpoint,
            see=HUB_ADMIN,
            public=[
                "id",
                "url",
                "description",
                "eventTypes",
                "active",
                "consecutiveFailures",
                "disabledAt",
                "createdAt",
                "deliveries",
            ],
        ),
        node(
            "WebhookDelivery",
            model=WebhookDelivery,
            see=HUB_ADMIN,
            public=[
                "id",
                "eventType",
                "messageId",
                "status",
                "attempts",
                "lastStatusCode",
                "lastError",
                "deliveredAt",
                "createdAt",
            ],
        ),
    ],
    queries=[query("webhookEndpoints", HUB_ADMIN), query("webhookEventTypes", ANYONE)],
    mutations=[
        mutation("createWebhookEndpoint", HUB_ADMIN),
        mutation("rotateWebhookSecret", HUB_ADMIN),
        mutation("setWebhookEndpointActive", HUB_ADMIN),
    ],
)
