"""Payloads and ID helpers shared by the people mutations."""

import strawberry

from app.people.errors import PeopleErrorCode as E
from schema.people.types import Member, PeopleError, Skill, TrustCheck
from schema.relay import decode_id


@strawberry.type
class MemberPayload:
    member: Member | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@strawberry.type
class SkillPayload:
    skill: Skill | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


@strawberry.type
class TrustCheckPayload:
    trust_check: TrustCheck | None = None
    errors: list[PeopleError] = strawberry.field(default_factory=list)


def member_id(gid: strawberry.ID, field: str = "memberId") -> int:
    return decode_id(gid, "Member", field=field, invalid=E.INVALID)
