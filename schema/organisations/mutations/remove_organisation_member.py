"""removeOrganisationMember: owners and admins remove someone, or a member leaves."""

import strawberry

from app.organisations import service
from app.organisations.errors import OrganisationErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.organisations.types import Organisation, OrganisationError
from schema.relay import decode_id


@strawberry.input
class RemoveOrganisationMemberInput:
    organisation_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="The viewer's own ID to leave.")


@strawberry.type
class RemoveOrganisationMemberPayload:
    organisation: Organisation | None = None
    errors: list[OrganisationError] = strawberry.field(default_factory=list)


@errors_as_data(OrganisationError, OrganisationErrorCode, RemoveOrganisationMemberPayload)
async def remove_organisation_member(
    input: RemoveOrganisationMemberInput, info: Info
) -> RemoveOrganisationMemberPayload:
    """Removes a member from an organisation (never its last owner)."""
    actor = info.context.require_actor()
    bad = OrganisationErrorCode.INVALID
    organisation = await service.remove_member(
        actor=actor,
        organisation_id=decode_id(
            input.organisation_id, "Organisation", field="organisationId", invalid=bad
        ),
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=bad),
    )
    return RemoveOrganisationMemberPayload(organisation=organisation)  # type: ignore[arg-type]
