"""revokeRole: hub admins revoke a member's role in the hub."""

import strawberry

from app.people import roles
from app.people.errors import PeopleErrorCode
from app.people.models import Role as RoleEnum
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import MemberPayload, member_id
from schema.people.types import PeopleError, Role


@strawberry.input
class RevokeRoleInput:
    member_id: strawberry.ID
    role: Role  # type: ignore[valid-type]


@errors_as_data(PeopleError, PeopleErrorCode, MemberPayload)
async def revoke_role(input: RevokeRoleInput, info: Info) -> MemberPayload:
    """Hub admins only."""
    member = await roles.revoke_role(
        actor=info.context.require_actor(),
        member_id=member_id(input.member_id),
        role=RoleEnum(input.role),
    )
    return MemberPayload(member=member)  # type: ignore[arg-type]
