"""createOrganisation: a verified member creates an organisation and becomes its owner."""

import strawberry

from app.organisations import service
from app.organisations.errors import OrganisationErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.organisations.types import Organisation, OrganisationError, OrganisationKind


@strawberry.input
class CreateOrganisationInput:
    name: str = strawberry.field(description="At most 120 characters.")
    kind: OrganisationKind  # type: ignore[valid-type]
    slug: str | None = strawberry.field(
        default=None,
        description="Lower-case letters, digits and hyphens; made from the name when left out.",
    )
    description: str | None = strawberry.field(default=None, description="At most 5000 characters.")
    website: str | None = strawberry.field(default=None, description="An http(s) address.")
    contact_email: str | None = None
    contact_email_public: bool = strawberry.field(
        default=False,
        description="Show the contact email to everyone, open data feeds included (else to"
        " signed-in members only).",
    )
    area: str | None = strawberry.field(default=None, description="Where it works, in words.")


@strawberry.type
class CreateOrganisationPayload:
    organisation: Organisation | None = None
    errors: list[OrganisationError] = strawberry.field(default_factory=list)


@errors_as_data(OrganisationError, OrganisationErrorCode, CreateOrganisationPayload)
async def create_organisation(
    input: CreateOrganisationInput, info: Info
) -> CreateOrganisationPayload:
    """Creates an organisation in the viewer's hub, owned by the viewer."""
    organisation = await service.create_organisation(
        actor=info.context.require_actor(),
        name=input.name,
        kind=str(input.kind),
        slug=input.slug,
        description=input.description or "",
        website=input.website or "",
        contact_email=input.contact_email or "",
        contact_email_public=input.contact_email_public,
        area=input.area or "",
    )
    return CreateOrganisationPayload(organisation=organisation)  # type: ignore[arg-type]
