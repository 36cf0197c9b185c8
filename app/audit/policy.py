"""The audit log is the hub admins' to read; nobody writes it through the API."""

from app.audit.models import AuditEvent
from app.people.models import Role
from app.policy import HasRole, ModulePolicy, node, query

HUB_ADMIN = HasRole(Role.HUB_ADMIN)

POLICY = ModulePolicy(
    types=[
        node(
            "AuditEvent",
            model=AuditEvent,
            see=HUB_ADMIN,
            public=[
                "id",
                "action",
                "objectType",
                "objectId",
                "data",
                "createdAt",
                "actor",
                "actedBy",
                "subject",
            ],
        ),
    ],
    queries=[query("auditEvents", HUB_ADMIN)],
)
