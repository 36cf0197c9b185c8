"""Roles in the hub, granted and revoked by hub admins."""

from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.people.errors import PeopleErrorCode as E
from app.people.models import Member, MemberRole, Role


async def _member(actor: Actor, member_id: int) -> Member:
    member = await Member.get_or_none(id=member_id, hub_id=actor.hub_id)
    if member is None:
        raise DomainError(E.NOT_FOUND, "No such member.", "memberId")
    return member


async def grant_role(*, actor: Actor, member_id: int, role: Role) -> Member:
    """Gives a member a role in the hub (hub admins); granting twice is harmless."""
    actor.require_role(Role.HUB_ADMIN)
    member = await _member(actor, member_id)
    async with in_transaction():
        _, created = await MemberRole.get_or_create(
            hub_id=actor.hub_id, member_id=member.id, role=role
        )
        if created:
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="role.grant",
                object_type="Member",
                object_id=member.id,
                data={"role": role.value},
            )
    return member


async def revoke_role(*, actor: Actor, member_id: int, role: Role) -> Member:
    """Takes a role away (hub admins); the hub always keeps at least one hub admin."""
    actor.require_role(Role.HUB_ADMIN)
    if role == Role.MEMBER:
        raise DomainError(E.INVALID, "Every member has the member role.", "role")
    member = await _member(actor, member_id)
    async with in_transaction():
        admins = (
            await MemberRole.filter(hub_id=actor.hub_id, role=Role.HUB_ADMIN)
            .select_for_update()
            .values_list("member_id", flat=True)
        )
        if role == Role.HUB_ADMIN and list(admins) == [member.id]:
            raise DomainError(E.LAST_ADMIN, "The hub needs at least one hub admin.", "memberId")
        deleted = await MemberRole.filter(
            hub_id=actor.hub_id, member_id=member.id, role=role
        ).delete()
        if deleted:
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="role.revoke",
                object_type="Member",
                object_id=member.id,
                data={"role": role.value},
            )
    return member


async def roles_of(*, hub_id: int, member_id: int) -> list[Role]:
    rows = await MemberRole.filter(hub_id=hub_id, member_id=member_id).values_list(
        "role", flat=True
    )
    return sorted(Role(str(r)) for r in rows)
