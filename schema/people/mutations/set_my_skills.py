"""setMySkills: say which of the hub's skills you have (replaces the list)."""

import strawberry

from app.people import service
from app.people.errors import PeopleErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member, PeopleError
from schema.relay import decode_id


@strawberry.input
class SetMySkillsInput:
    skill_ids: list[strawberry.ID] = strawberry.field(
        description=f"At most {service.MEMBER_SKILLS_MAX}, all of this hub; [] clears them."
    )


@strawberry.type
class SetMySkillsPayload:
    member: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@errors_as_data(PeopleError, E, SetMySkillsPayload)
async def set_my_skills(input: SetMySkillsInput, info: Info) -> SetMySkillsPayload:
    """Sets your skills (or, with CH-Act-For, the member's)."""
    actor = info.context.require_actor()
    ids = [decode_id(i, "Skill", field="skillIds", invalid=E.INVALID) for i in input.skill_ids]
    await service.set_member_skills(actor=actor, skill_ids=ids)
    return SetMySkillsPayload(member=actor.member)  # type: ignore[arg-type]
