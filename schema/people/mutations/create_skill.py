"""createSkill: hub admins add a skill to the hub's taxonomy."""

import strawberry

from app.people import skills
from app.people.errors import PeopleErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import SkillPayload
from schema.people.types import PeopleError


@strawberry.input
class CreateSkillInput:
    name: str
    slug: str | None = None
    category: str = "general"


@errors_as_data(PeopleError, PeopleErrorCode, SkillPayload)
async def create_skill(input: CreateSkillInput, info: Info) -> SkillPayload:
    """Adds a skill (hub admins)."""
    skill = await skills.create_skill(
        actor=info.context.require_actor(),
        name=input.name,
        slug=input.slug,
        category=input.category,
    )
    return SkillPayload(skill=skill)  # type: ignore[arg-type]
