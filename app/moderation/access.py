"""Who may moderate, and whom: shared checks of the moderation use cases."""

from app.actor import Actor
from app.errors import DomainError
from app.i18n import _
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.models import CaseStatus, ModerationCase
from app.people.models import Member, MemberRole, Role

MODERATING = (Role.MODERATOR, Role.HUB_ADMIN)


def require_moderator(actor: Actor) -> None:
    if not actor.has_role(*MODERATING):
        raise DomainError(E.FORBIDDEN, _("Only moderators and hub admins can do this."), None)


def require_hub_admin(actor: Actor) -> None:
    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only a hub admin can do this."), None)


async def member_to_act_on(actor: Actor, member_id: int, *, lock: bool = False) -> Member:
    """The member a moderator warns, suspends or reinstates. Nobody acts on themself; hub
    admins are out of reach (revoke the role first), and only a hub admin acts on a moderator."""
    query = Member.filter(id=member_id, hub_id=actor.hub_id)
    member = await (query.select_for_update() if lock else query).first()
    if member is None:
        raise DomainError(E.NOT_FOUND, _("No such member."), "memberId")
    if member.id == actor.member_id:
        raise DomainError(E.PROTECTED_MEMBER, _("You cannot act on yourself."), "memberId")
    roles = set(
        await MemberRole.filter(hub_id=actor.hub_id, member_id=member.id).values_list(
            "role", flat=True
        )
    )
    if Role.HUB_ADMIN in roles:
        raise DomainError(
            E.PROTECTED_MEMBER,
            _("Hub admins cannot be moderated; revoke the role first."),
            "memberId",
        )
    if Role.MODERATOR in roles and not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(
            E.PROTECTED_MEMBER, _("Only a hub admin can act on a moderator."), "memberId"
        )
    return member


async def open_case(actor: Actor, case_id: int) -> ModerationCase:
    """The case, locked, still waiting for a moderator."""
    case = await ModerationCase.filter(id=case_id, hub_id=actor.hub_id).select_for_update().first()
    if case is None:
        raise DomainError(E.NOT_FOUND, _("No such case."), "caseId")
    if case.status != CaseStatus.OPEN:
        raise DomainError(E.ALREADY_RESOLVED, _("This case is resolved."), "caseId")
    return case
