"""Coordinators acting for members who are not online (every action is audited as such)."""

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import AccessDenied, DomainError
from app.people.errors import PeopleErrorCode as E
from app.people.models import Member, MemberRole, ProxyLink, Role


async def act_for(*, coordinator: Actor, member_id: int) -> Actor:
    """The actor for `member_id` as operated by `coordinator`, if an active proxy link allows it."""
    link = await ProxyLink.get_or_none(
        hub_id=coordinator.hub_id,
        coordinator_id=coordinator.member_id,
        member_id=member_id,
        active=True,
    ).select_related("member")
    if link is None or not coordinator.has_role(Role.COORDINATOR, Role.HUB_ADMIN):
        raise AccessDenied("You are not a coordinator for this member.")
    roles = await MemberRole.filter(hub_id=coordinator.hub_id, member_id=member_id).values_list(
        "role", flat=True
    )
    return Actor(
        member=link.member,
        roles=frozenset(Role(str(r)) for r in roles),
        acted_by=coordinator.member,
        session_id=coordinator.session_id,
    )


async def create_proxy_member(*, actor: Actor, display_name: str) -> Member:
    """A coordinator registers someone without a phone or computer, and manages them."""
    actor.require_role(Role.COORDINATOR, Role.HUB_ADMIN)
    display_name = v.text(display_name, field="displayName", max_length=80, invalid=E.INVALID)
    async with in_transaction():
        member = await Member.create(hub_id=actor.hub_id, display_name=display_name, is_proxy=True)
        await MemberRole.create(hub_id=actor.hub_id, member_id=member.id, role=Role.MEMBER)
        await ProxyLink.create(
            hub_id=actor.hub_id, coordinator_id=actor.member_id, member_id=member.id
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="member.create_proxy",
            object_type="Member",
            object_id=member.id,
        )
    return member


async def set_proxy_link(
    *, actor: Actor, coordinator_id: int, member_id: int, active: bool
) -> ProxyLink:
    """Hub admins let a coordinator act for a member (with their consent), or stop it."""
    actor.require_role(Role.HUB_ADMIN)
    if coordinator_id == member_id:
        raise DomainError(E.INVALID, "A coordinator cannot be their own proxy.", "memberId")
    found = await Member.filter(hub_id=actor.hub_id, id__in=[coordinator_id, member_id]).count()
    if found != 2:
        raise DomainError(E.NOT_FOUND, "No such member in this hub.", "memberId")
    if not await MemberRole.exists(
        hub_id=actor.hub_id, member_id=coordinator_id, role=Role.COORDINATOR
    ):
        raise DomainError(E.INVALID, "That member is not a coordinator.", "coordinatorId")
    async with in_transaction():
        link, _ = await ProxyLink.get_or_create(
            hub_id=actor.hub_id,
            coordinator_id=coordinator_id,
            member_id=member_id,
            defaults={"active": active},
        )
        link.active = active
        await link.save(update_fields=["active"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="proxy.link",
            object_type="Member",
            object_id=member_id,
            data={"coordinator": coordinator_id, "active": active},
        )
    return link
