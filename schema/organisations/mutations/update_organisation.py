"""updateOrganisation: owners and admins change its profile (only the fields given)."""

from typing import Any

import strawberry

from app.organisations import service
from app.organisations.errors import OrganisationErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.organisations.types import Organisation, OrganisationError, OrganisationKind
from schema.relay import decode_id

CLEARS = "Null clears it."


@strawberry.input(description="Fields left out stay as they are.")
class UpdateOrganisationInput:
    organisation_id: strawberry.ID
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    kind: OrganisationKind | None = strawberry.UNSET  # type: ignore[valid-type]
    description: str | None = strawberry.field(default=strawberry.UNSET, description=CLEARS)
    website: str | None = strawberry.field(default=strawberry.UNSET, description=CLEARS)
    contact_email: str | None = strawberry.field(default=strawberry.UNSET, description=CLEARS)
    area: str | None = strawberry.field(default=strawberry.UNSET, description=CLEARS)
    contact_email_public: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Show the contact email to everyone, open data feeds included (else to"
        " signed-in members only).",
    )


@strawberry.type
class UpdateOrganisationPayload:
    organisation: Organisation | None = None
    errors: list[OrganisationError] = strawberry.field(default_factory=list)


def _given(value: Any) -> str | None:
    """Left out: None (unchanged); null: "" (cleared, or refused where the field is required)."""
    if value is strawberry.UNSET:
        return None
    if value is None:
        return ""
    return str(value)  # enum members are StrEnums: their value


@errors_as_data(OrganisationError, OrganisationErrorCode, UpdateOrganisationPayload)
async def update_organisation(
    input: UpdateOrganisationInput, info: Info
) -> UpdateOrganisationPayload:
    """Changes the given fields of an organisation's profile (its owners and admins)."""
    actor = info.context.require_actor()
    organisation_id = decode_id(
        input.organisation_id,
        "Organisation",
        field="organisationId",
        invalid=OrganisationErrorCode.INVALID,
    )
    organisation = await service.update_organisation(
        actor=actor,
        organisation_id=organisation_id,
        name=_given(input.name),
        slug=_given(input.slug),
        kind=_given(input.kind),
        description=_given(input.description),
        website=_given(input.website),
        contact_email=_given(input.contact_email),
        area=_given(input.area),
        contact_email_public=(
            None
            if input.contact_email_public in (strawberry.UNSET, None)
            else bool(input.contact_email_public)
        ),
    )
    return UpdateOrganisationPayload(organisation=organisation)  # type: ignore[arg-type]
