"""createSkill: hub admins add a skill to the hub's taxonomy."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import PeopleError, Skill


@strawberry.input
class CreateSkillInput:
    name: str = strawberry.field(description="At most 80 characters.")
    slug: str | None = strawberry.field(
        default=None,
        description="Lower-case letters, digits, hyphens; made from the name if left out.",
    )
    category: str = strawberry.field(default="general", description="Filed as a slug.")


@strawberry.type
class CreateSkillPayload:
    skill: Skill | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, PeopleErrorCode, CreateSkillPayload)
async def create_skill(input: CreateSkillInput, info: Info) -> CreateSkillPayload:
    """Adds a skill to the taxonomy (hub admins)."""
    skill = await service.create_skill(
        actor=info.context.require_actor(),
        name=input.name,
        slug=input.slug,
        category=input.category,
    )
    return CreateSkillPayload(skill=skill)  # type: ignore[arg-type]
