"""API clients: hub admins see and manage every client of the hub, organisation owners and
admins those of their organisation; a member sees and revokes the apps connected to their
account. Registering a client for an organisation needs its managers (checked by the service
with the organisations' ITS_MANAGERS when it loads the organisation)."""

from typing import Any

from app.oauth.models import ApiClient, OAuthGrant
from app.organisations.models import OrganisationMember, OrganisationRole
from app.people.models import Role
from app.policy import (
    SIGNED_IN,
    HasRole,
    IsViewer,
    Linked,
    ModulePolicy,
    Viewer,
    mutation,
    node,
    query,
    value,
)

HUB_ADMIN = HasRole(Role.HUB_ADMIN)


def _managers(viewer: Viewer) -> dict[str, Any] | None:
    if viewer.member_id is None:
        return None
    return {
        "member_id": viewer.member_id,
        "role__in": [OrganisationRole.OWNER, OrganisationRole.ADMIN],
    }


# The viewer manages the organisation in the row's `organisation_id` (or `id`).
CLIENT_MANAGERS = Linked(
    "client_org_managers", "organisation_id", OrganisationMember, "organisation_id", _managers
)
MANAGES_CLIENT = HUB_ADMIN | CLIENT_MANAGERS

POLICY = ModulePolicy(
    types=[
        value("ApiClientUsage", "a client's own counters, served with the client"),
        value("ApiErrorCount", "one line of a client's usage"),
        node(
            "ApiClient",
            model=ApiClient,
            see=MANAGES_CLIENT,
            public=[
                "id",
                "clientId",
                "name",
                "organisation",
                "redirectUris",
                "scopes",
                "suspended",
                "suspendedAt",
                "previousSecretValidUntil",
                "usage",
                "createdAt",
            ],
        ),
        node(
            "ConnectedApp",
            model=OAuthGrant,
            see=IsViewer("member_id"),
            public=["id", "clientName", "ownerName", "scopes", "scopeDescriptions", "createdAt"],
        ),
    ],
    queries=[query("apiClients", SIGNED_IN), query("myConnectedApps", SIGNED_IN)],
    mutations=[
        mutation("createApiClient", SIGNED_IN),
        mutation("rotateApiClientSecret", SIGNED_IN),
        mutation("setApiClientSuspended", SIGNED_IN),
        mutation("revokeConnectedApp", SIGNED_IN),
    ],
)
