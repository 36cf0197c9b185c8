"""Payloads and ID helpers shared by the hours and review mutations."""

import strawberry

from app.portfolios.errors import PortfolioErrorCode as E
from schema.portfolios.types import HoursRecord, PortfolioError, Review
from schema.relay import decode_id


@strawberry.type
class HoursPayload:
    hours_record: HoursRecord | None = None
    errors: list[PortfolioError] = strawberry.field(default_factory=list)


@strawberry.type
class ReviewPayload:
    review: Review | None = None
    errors: list[PortfolioError] = strawberry.field(default_factory=list)


def hours_record_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "HoursRecord", field="hoursRecordId", invalid=E.INVALID)


def application_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Application", field="applicationId", invalid=E.INVALID)
