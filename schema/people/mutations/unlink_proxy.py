"""unlinkProxy: hub admins stop a coordinator acting for a member."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member, PeopleError
from schema.relay import decode_id


@strawberry.input
class UnlinkProxyInput:
    coordinator_id: strawberry.ID
    member_id: strawberry.ID


@strawberry.type
class UnlinkProxyPayload:
    member: Member | None = None
    coordinator: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, UnlinkProxyPayload)
async def unlink_proxy(input: UnlinkProxyInput, info: Info) -> UnlinkProxyPayload:
    """Stops the coordinator acting for the member at once (hub admins)."""
    actor = info.context.require_actor()
    link = await service.unlink_proxy(
        actor=actor,
        coordinator_id=decode_id(
            input.coordinator_id, "Member", field="coordinatorId", invalid=E.INVALID
        ),
        member_id=decode_id(input.member_id, "Member", field="memberId", invalid=E.INVALID),
    )
    member, coordinator = await info.context.loaders.by_id(MemberModel).load_many(
        [link.member_id, link.coordinator_id]
    )
    return UnlinkProxyPayload(member=member, coordinator=coordinator)  # type: ignore[arg-type]
