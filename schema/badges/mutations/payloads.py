"""Payloads and ID helpers shared by the badge mutations."""

import strawberry

from app.badges.errors import BadgeErrorCode as E
from schema.badges.types import BadgeAward, BadgeClass, BadgeError, SuccessStory
from schema.relay import decode_id


@strawberry.type
class BadgeClassPayload:
    badge_class: BadgeClass | None = None
    errors: list[BadgeError] = strawberry.field(default_factory=list)


@strawberry.type
class BadgeAwardPayload:
    award: BadgeAward | None = None
    errors: list[BadgeError] = strawberry.field(default_factory=list)


@strawberry.type
class SuccessStoryPayload:
    story: SuccessStory | None = None
    errors: list[BadgeError] = strawberry.field(default_factory=list)


@strawberry.type
class LeaderboardOptInPayload:
    opted_in: bool | None = None
    errors: list[BadgeError] = strawberry.field(default_factory=list)


def db_id(gid: strawberry.ID | None, type_name: str, field: str) -> int | None:
    if gid is None:
        return None
    return decode_id(gid, type_name, field=field, invalid=E.INVALID)


def required_id(gid: strawberry.ID, type_name: str, field: str) -> int:
    return decode_id(gid, type_name, field=field, invalid=E.INVALID)
