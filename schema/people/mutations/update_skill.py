"""updateSkill: hub admins rename or re-file a skill."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import PeopleError, Skill
from schema.relay import decode_id


@strawberry.input(description="Fields left out stay as they are; the slug never changes.")
class UpdateSkillInput:
    skill_id: strawberry.ID
    name: str | None = None
    category: str | None = None


@strawberry.type
class UpdateSkillPayload:
    skill: Skill | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, UpdateSkillPayload)
async def update_skill(input: UpdateSkillInput, info: Info) -> UpdateSkillPayload:
    """Changes a skill's name or category (hub admins)."""
    actor = info.context.require_actor()
    skill = await service.update_skill(
        actor=actor,
        skill_id=decode_id(input.skill_id, "Skill", field="skillId", invalid=E.INVALID),
        name=input.name,
        category=input.category,
    )
    return UpdateSkillPayload(skill=skill)  # type: ignore[arg-type]
