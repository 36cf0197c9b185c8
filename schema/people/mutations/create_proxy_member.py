"""createProxyMember: a coordinator registers someone without a phone or computer."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member, PeopleError


@strawberry.input
class CreateProxyMemberInput:
    display_name: str = strawberry.field(description="At most 80 characters.")


@strawberry.type
class CreateProxyMemberPayload:
    member: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, PeopleErrorCode, CreateProxyMemberPayload)
async def create_proxy_member(
    input: CreateProxyMemberInput, info: Info
) -> CreateProxyMemberPayload:
    """Creates the member, linked to you (coordinators); act for them with `CH-Act-For: <id>`."""
    member = await service.create_proxy_member(
        actor=info.context.require_actor(), display_name=input.display_name
    )
    return CreateProxyMemberPayload(member=member)  # type: ignore[arg-type]
