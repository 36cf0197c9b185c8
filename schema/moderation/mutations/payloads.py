"""Payloads and ID helpers shared by the moderation mutations."""

import strawberry

from app.moderation.errors import ModerationErrorCode as E
from schema.moderation.types import (
    ModerationAction,
    ModerationCase,
    ModerationError,
    ModerationFlagRules,
    ModerationReport,
)
from schema.relay import decode_id


@strawberry.type
class ReportPayload:
    report: ModerationReport | None = None
    errors: list[ModerationError] = strawberry.field(default_factory=list)


@strawberry.type
class ModerationActionPayload:
    action: ModerationAction | None = None
    errors: list[ModerationError] = strawberry.field(default_factory=list)


@strawberry.type
class ModerationCasePayload:
    case: ModerationCase | None = None
    errors: list[ModerationError] = strawberry.field(default_factory=list)


@strawberry.type
class ModerationFlagRulesPayload:
    rules: ModerationFlagRules | None = None
    errors: list[ModerationError] = strawberry.field(default_factory=list)


def db_id(gid: strawberry.ID | None, type_name: str, field: str) -> int | None:
    if gid is None:
        return None
    return decode_id(gid, type_name, field=field, invalid=E.INVALID)


def required_id(gid: strawberry.ID, type_name: str, field: str) -> int:
    return decode_id(gid, type_name, field=field, invalid=E.INVALID)
