"""updateSkill: hub admins rename or re-file a skill."""

import strawberry

from app.people import skills
from app.people.errors import PeopleErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import SkillPayload
from schema.people.types import PeopleError
from schema.relay import decode_id


@strawberry.input
class UpdateSkillInput:
    skill_id: strawberry.ID
    name: str | None = None
    category: str | None = None


@errors_as_data(PeopleError, E, SkillPayload)
async def update_skill(input: UpdateSkillInput, info: Info) -> SkillPayload:
    """Changes a skill's name or category (hub admins)."""
    skill = await skills.update_skill(
        actor=info.context.require_actor(),
        skill_id=decode_id(input.skill_id, "Skill", field="skillId", invalid=E.INVALID),
        name=input.name,
        category=input.category,
    )
    return SkillPayload(skill=skill)  # type: ignore[arg-type]
