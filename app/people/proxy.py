"""Coordinators acting for members who are not online (every action is audited as such)."""

from app.actor import Actor
from app.errors import AccessDenied
from app.i18n import _
from app.people.models import MemberRole, MemberStatus, ProxyLink, Role

# Who may act for others (as create_proxy_member and act_for allow).
COORDINATING = (Role.COORDINATOR, Role.HUB_ADMIN)


async def act_for(*, coordinator: Actor, member_id: int) -> Actor:
    """The actor for `member_id` as operated by `coordinator`, if an active proxy link allows it."""
    if coordinator.guest:  # a guest acts for no one, whatever link or role it holds here
        raise AccessDenied(_("A guest of this hub cannot act for other members."))
    link = await ProxyLink.get_or_none(
        hub_id=coordinator.hub_id,
        coordinator_id=coordinator.member_id,
        member_id=member_id,
        active=True,
    ).select_related("member")
    if link is None or not coordinator.has_role(*COORDINATING):
        raise AccessDenied(_("You are not a coordinator for this member."))
    if link.member.status != MemberStatus.ACTIVE:
        raise AccessDenied(_("This member is suspended."))
    if link.member.is_guest:  # a guest acts only for themselves, from their own hub
        raise AccessDenied(_("No one can act for a guest of this hub."))
    roles = await MemberRole.filter(hub_id=coordinator.hub_id, member_id=member_id).values_list(
        "role", flat=True
    )
    return Actor(
        member=link.member,
        roles=frozenset(Role(str(r)) for r in roles),
        acted_by=coordinator.member,
        session_id=coordinator.session_id,
    )
