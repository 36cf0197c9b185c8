"""grantRole: hub admins give a member a role in the hub."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from app.people.models import Role as RoleEnum
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member, PeopleError, Role
from schema.relay import decode_id


@strawberry.input
class GrantRoleInput:
    member_id: strawberry.ID
    role: Role  # type: ignore[valid-type]


@strawberry.type
class GrantRolePayload:
    member: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, GrantRolePayload)
async def grant_role(input: GrantRoleInput, info: Info) -> GrantRolePayload:
    """Gives the role (hub admins); granting a role the member holds changes nothing."""
    actor = info.context.require_actor()
    member = await service.grant_role(
        actor=actor,
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=E.INVALID),
        role=RoleEnum(input.role),
    )
    return GrantRolePayload(member=member)  # type: ignore[arg-type]
