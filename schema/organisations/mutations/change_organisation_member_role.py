"""changeOrganisationMemberRole: owners and admins change a role; the last owner stays one."""

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
class ChangeOrganisationMemberRoleInput:
    organisation_id: strawberry.ID
    member_id: strawberry.ID
    role: OrganisationRole  # type: ignore[valid-type]


@strawberry.type
class ChangeOrganisationMemberRolePayload:
    membership: OrganisationMembership | None = None
    errors: list[OrganisationError] = strawberry.field(default_factory=list)


@errors_as_data(OrganisationError, OrganisationErrorCode, ChangeOrganisationMemberRolePayload)
async def change_organisation_member_role(
    input: ChangeOrganisationMemberRoleInput, info: Info
) -> ChangeOrganisationMemberRolePayload:
    """Gives a member of an organisation another role (only owners touch the owner role)."""
    actor = info.context.require_actor()
    bad = OrganisationErrorCode.INVALID
    membership = await service.change_member_role(
        actor=actor,
        organisation_id=decode_id(
            input.organisation_id, "Organisation", field="organisationId", invalid=bad
        ),
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=bad),
        role=str(input.role),
    )
    return ChangeOrganisationMemberRolePayload(membership=membership)  # type: ignore[arg-type]
