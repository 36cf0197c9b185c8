"""setMySkills: say which of the hub's skills you have (replaces the list)."""

import strawberry

from app.people import skills
from app.people.errors import PeopleErrorCode as E
from app.people.models import Member as MemberModel
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.mutations.payloads import MemberPayload
from schema.people.types import PeopleError
from schema.relay import decode_id


@strawberry.input
class SetMySkillsInput:
    skill_ids: list[strawberry.ID]


@errors_as_data(PeopleError, E, MemberPayload)
async def set_my_skills(input: SetMySkillsInput, info: Info) -> MemberPayload:
    """Sets your skills: at most 50, all from this hub."""
    actor = info.context.require_actor()
    ids = [decode_id(i, "Skill", field="skillIds", invalid=E.INVALID) for i in input.skill_ids]
    await skills.set_member_skills(actor=actor, skill_ids=ids)
    return MemberPayload(member=await MemberModel.get(id=actor.member_id))  # type: ignore[arg-type]
