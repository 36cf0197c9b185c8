"""Hubs are public; hub admins change their settings."""

from app.hubs.models import Hub
from app.people.models import Role
from app.policy import ANYONE, HasRole, ModulePolicy, mutation, node, query

POLICY = ModulePolicy(
    types=[
        node(
            "Hub",
            model=Hub,
            see=ANYONE,
            public=[
                "id",
                "name",
                "slug",
                "locale",
                "timezone",
                "creditName",
                "creditsPerHour",
                "memberOverdraftLimit",
                "trustedDocumentsOnly",
                "privacyK",
                "ratingsMinGroup",
                "ratingsCellResolution",
                "openDataLicence",
            ],
        )
    ],
    queries=[query("hub", ANYONE), query("currentHub", ANYONE), query("node", ANYONE)],
    mutations=[mutation("updateHub", HasRole(Role.HUB_ADMIN))],
)
