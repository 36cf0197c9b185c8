"""Who may see organisations and their memberships, and run their mutations."""

from typing import Any

from app.moderation.models import Target
from app.moderation.visibility import MODERATING, not_hidden
from app.organisations.models import Organisation, OrganisationMember, OrganisationRole
from app.people.models import Role
from app.policy import (
    ANYONE,
    SIGNED_IN,
    HasRole,
    IsViewer,
    Linked,
    ModulePolicy,
    Rule,
    Viewer,
    mutation,
    node,
    on,
    query,
    state,
)

MANAGERS = (OrganisationRole.OWNER, OrganisationRole.ADMIN)


def people_of(field: str, *roles: OrganisationRole) -> Rule:
    """The viewer belongs to the organisation in the row's `field` (with one of `roles`)."""

    def where(viewer: Viewer) -> dict[str, Any] | None:
        if viewer.member_id is None:
            return None
        return {"member_id": viewer.member_id, **({"role__in": list(roles)} if roles else {})}

    name = "org_managers" if roles else "org_people"
    return Linked(name, field, OrganisationMember, "organisation_id", where)


ITS_PEOPLE = people_of("id")
ITS_MANAGERS = people_of("id", *MANAGERS)
HUB_ADMIN = HasRole(Role.HUB_ADMIN)
# The organisation chose to show its contact email to everyone (open data feeds too).
EMAIL_PUBLISHED = state("email_published", "contact_email_public", {True})

POLICY = ModulePolicy(
    types=[
        node(
            "Organisation",
            model=Organisation,
            see=ANYONE,
            public=[
                "id",
                "name",
                "slug",
                "kind",
                "createdAt",
                "website",
                "area",
                "viewerRole",
                "impact",  # app/assets/impact_policy.py
                "contactEmailPublic",
            ],
            fields={
                "contactEmail": SIGNED_IN | EMAIL_PUBLISHED,
                "members": ITS_PEOPLE | HUB_ADMIN,
                # Hidden by a moderator: its own people and moderators still read it.
                "description": not_hidden(Target.ORGANISATION) | ITS_PEOPLE | MODERATING,
            },
            deny_with_error=["members"],
            masks={"description": ""},
        ),
        node(
            "OrganisationMembership",
            model=OrganisationMember,
            see=IsViewer("member_id") | HUB_ADMIN | people_of("organisation_id"),
            public=["role", "joinedAt", "member", "organisation"],
        ),
    ],
    queries=[query("organisation", ANYONE), query("organisations", ANYONE)],
    mutations=[
        mutation("createOrganisation", SIGNED_IN),
        mutation(
            "updateOrganisation", SIGNED_IN, on("organisationId", "Organisation", ITS_MANAGERS)
        ),
        mutation(
            "addOrganisationMember", SIGNED_IN, on("organisationId", "Organisation", ITS_MANAGERS)
        ),
        mutation(
            "changeOrganisationMemberRole",
            SIGNED_IN,
            on("organisationId", "Organisation", ITS_MANAGERS),
        ),
        # Managers remove anyone; any member may remove themself (leave).
        mutation(
            "removeOrganisationMember", SIGNED_IN, on("organisationId", "Organisation", ITS_PEOPLE)
        ),
    ],
)
