"""The hub's skills taxonomy (hub admins) and the skills members say they have."""

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.errors import DomainError
from app.people.errors import PeopleErrorCode as E
from app.people.models import MemberSkill, Role, Skill

MAX_MEMBER_SKILLS = 50


async def create_skill(
    *, actor: Actor, name: str, slug: str | None = None, category: str = "general"
) -> Skill:
    """Adds a skill to the hub's taxonomy (hub admins)."""
    actor.require_role(Role.HUB_ADMIN)
    name = v.text(name, field="name", max_length=80, invalid=E.INVALID)
    slug = v.slug(slug, field="slug", invalid=E.INVALID) if slug else v.slugify(name)
    category = v.slug(v.slugify(category), field="category", invalid=E.INVALID)
    try:
        async with in_transaction():
            skill = await Skill.create(hub_id=actor.hub_id, name=name, slug=slug, category=category)
            await audit.record(
                actor=actor,
                hub_id=actor.hub_id,
                action="skill.create",
                object_type="Skill",
                object_id=skill.id,
            )
    except IntegrityError as exc:
        raise DomainError(E.DUPLICATE, "A skill with this slug exists.", "slug") from exc
    return skill


async def update_skill(
    *, actor: Actor, skill_id: int, name: str | None = None, category: str | None = None
) -> Skill:
    """Renames or re-files a skill (hub admins); its slug stays."""
    actor.require_role(Role.HUB_ADMIN)
    async with in_transaction():
        skill = await Skill.select_for_update().get_or_none(id=skill_id, hub_id=actor.hub_id)
        if skill is None:
            raise DomainError(E.NOT_FOUND, "No such skill.", "skillId")
        if name is not None:
            skill.name = v.text(name, field="name", max_length=80, invalid=E.INVALID)
        if category is not None:
            skill.category = v.slugify(category)
        await skill.save(update_fields=["name", "category"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="skill.update",
            object_type="Skill",
            object_id=skill.id,
        )
    return skill


async def set_member_skills(*, actor: Actor, skill_ids: list[int]) -> list[Skill]:
    """Replaces the acting member's skills; every id must be one of the hub's skills."""
    ids = list(dict.fromkeys(skill_ids))
    if len(ids) > MAX_MEMBER_SKILLS:
        raise DomainError(E.INVALID, f"At most {MAX_MEMBER_SKILLS} skills.", "skillIds")
    skills = await Skill.filter(hub_id=actor.hub_id, id__in=ids)
    if len(skills) != len(ids):
        raise DomainError(E.INVALID, "Some skills are not this hub's.", "skillIds")
    async with in_transaction():
        await MemberSkill.filter(hub_id=actor.hub_id, member_id=actor.member_id).delete()
        await MemberSkill.bulk_create(
            [
                MemberSkill(hub_id=actor.hub_id, member_id=actor.member_id, skill_id=s.id)
                for s in skills
            ]
        )
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="member.set_skills",
            object_type="Member",
            object_id=actor.member_id,
            data={"skills": ids},
        )
    return sorted(skills, key=lambda s: s.name)
