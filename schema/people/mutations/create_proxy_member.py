"""createProxyMember: a coordinator registers someone without a phone or computer."""

import strawberry

from app.people import proxy
from app.people.errors import PeopleErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import MemberPayload
from schema.people.types import PeopleError


@strawberry.input
class CreateProxyMemberInput:
    display_name: str


@errors_as_data(PeopleError, PeopleErrorCode, MemberPayload)
async def create_proxy_member(input: CreateProxyMemberInput, info: Info) -> MemberPayload:
    """Creates the member and links them to you; act for them with the CH-Act-For header."""
    member = await proxy.create_proxy_member(
        actor=info.context.require_actor(), display_name=input.display_name
    )
    return MemberPayload(member=member)  # type: ignore[arg-type]
