"""setProxyLink: hub admins let a coordinator act for a member (or stop it)."""

import strawberry

from app.people import proxy
from app.people.errors import PeopleErrorCode
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import MemberPayload, member_id
from schema.people.types import PeopleError


@strawberry.input
class SetProxyLinkInput:
    coordinator_id: strawberry.ID
    member_id: strawberry.ID
    active: bool = True


@errors_as_data(PeopleError, PeopleErrorCode, MemberPayload)
async def set_proxy_link(input: SetProxyLinkInput, info: Info) -> MemberPayload:
    """Record the member's consent offline first; every proxied action is audited."""
    link = await proxy.set_proxy_link(
        actor=info.context.require_actor(),
        coordinator_id=member_id(input.coordinator_id, "coordinatorId"),
        member_id=member_id(input.member_id),
        active=input.active,
    )
    return MemberPayload(member=await MemberModel.get(id=link.member_id))  # type: ignore[arg-type]
