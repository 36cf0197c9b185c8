"""Hubs are public; hub admins change their settings."""

from app.hubs.models import Hub
from app.people.models import Role
from app.policy import ANYONE, HasRole, ModulePolicy, mutation, node, query, value

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
        ),
        value("LocalizedName", "part of setNameTranslation's payload (hub admins)"),
    ],
    queries=[
        query("hub", ANYONE, guests=True),
        query("currentHub", ANYONE, guests=True),
        query("node", ANYONE, guests=True),
    ],
    mutations=[
        mutation("updateHub", HasRole(Role.HUB_ADMIN)),
        # Translations of the hub's taxonomy names (app/hubs/translations.py).
        mutation("setNameTranslation", HasRole(Role.HUB_ADMIN)),
    ],
)
