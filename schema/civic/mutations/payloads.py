"""Payloads and ID helpers shared by the civic mutations."""

import strawberry

from app.civic.errors import CivicErrorCode as E
from schema.civic.types import CivicError, CivicSettings, ProblemCategory, ProblemReport
from schema.relay import decode_id


@strawberry.type
class CivicSettingsPayload:
    settings: CivicSettings | None = None
    errors: list[CivicError] = strawberry.field(default_factory=list)


@strawberry.type
class ProblemCategoryPayload:
    category: ProblemCategory | None = None
    errors: list[CivicError] = strawberry.field(default_factory=list)


@strawberry.type
class ProblemReportPayload:
    report: ProblemReport | None = None
    errors: list[CivicError] = strawberry.field(default_factory=list)


def required_id(gid: strawberry.ID, type_name: str, field: str) -> int:
    return decode_id(gid, type_name, field=field, invalid=E.INVALID)
