"""addOrganisationMember: owners and admins add a member of the hub (only owners add owners)."""

import strawberry

from app.organisations import service
from app.organisations.errors import OrganisationErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.organisations.types import (
    OrganisationError,
    OrganisationMembership,
    OrganisationRole,
)
from schema.relay import decode_id


@strawberry.input
class AddOrganisationMemberInput:
    organisation_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="A member of the same hub.")
    role: OrganisationRole  # type: ignore[valid-type]


@strawberry.type
class AddOrganisationMemberPayload:
    membership: OrganisationMembership | None = None
    errors: list[OrganisationError] = strawberry.field(default_factory=list)


@errors_as_data(OrganisationError, OrganisationErrorCode, AddOrganisationMemberPayload)
async def add_organisation_member(
    input: AddOrganisationMemberInput, info: Info
) -> AddOrganisationMemberPayload:
    """Adds a member of the viewer's hub to an organisation with a role."""
    actor = info.context.require_actor()
    bad = OrganisationErrorCode.INVALID
    membership = await service.add_member(
        actor=actor,
        organisation_id=decode_id(
            input.organisation_id, "Organisation", field="organisationId", invalid=bad
        ),
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=bad),
        role=str(input.role),
    )
    return AddOrganisationMemberPayload(membership=membership)  # type: ignore[arg-type]
