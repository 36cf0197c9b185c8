"""linkProxy: hub admins let a coordinator act for a member."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member, PeopleError
from schema.relay import decode_id


@strawberry.input
class LinkProxyInput:
    coordinator_id: strawberry.ID
    member_id: strawberry.ID


@strawberry.type
class LinkProxyPayload:
    member: Member | None = None
    coordinator: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, LinkProxyPayload)
async def link_proxy(input: LinkProxyInput, info: Info) -> LinkProxyPayload:
    """Record the member's consent first (hub admins); everything done for them is audited."""
    actor = info.context.require_actor()
    link = await service.link_proxy(
        actor=actor,
        coordinator_id=decode_id(
            input.coordinator_id, "Member", field="coordinatorId", invalid=E.INVALID
        ),
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=E.INVALID),
    )
    member, coordinator = await info.context.loaders.by_id(MemberModel).load_many(
        [link.member_id, link.coordinator_id]
    )
    return LinkProxyPayload(member=member, coordinator=coordinator)  # type: ignore[arg-type]
