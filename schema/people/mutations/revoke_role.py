"""revokeRole: hub admins take a member's role in the hub away."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from app.people.models import Role as RoleEnum
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member, PeopleError, Role
from schema.relay import decode_id


@strawberry.input
class RevokeRoleInput:
    member_id: strawberry.ID
    role: Role  # type: ignore[valid-type]


@strawberry.type
class RevokeRolePayload:
    member: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, RevokeRolePayload)
async def revoke_role(input: RevokeRoleInput, info: Info) -> RevokeRolePayload:
    """Takes the role away (hub admins); the hub's last hub admin stays one."""
    actor = info.context.require_actor()
    member = await service.revoke_role(
        actor=actor,
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=E.INVALID),
        role=RoleEnum(input.role),
    )
    return RevokeRolePayload(member=member)  # type: ignore[arg-type]
