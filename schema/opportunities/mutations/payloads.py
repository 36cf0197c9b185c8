"""Payloads shared by the opportunity and application mutations."""

import strawberry

from app.opportunities.errors import OpportunityErrorCode as E
from schema.opportunities.types import Application, Opportunity, OpportunityError
from schema.relay import decode_id


@strawberry.type
class OpportunityPayload:
    opportunity: Opportunity | None = None
    errors: list[OpportunityError] = strawberry.field(default_factory=list)


@strawberry.type
class ApplicationPayload:
    application: Application | None = None
    errors: list[OpportunityError] = strawberry.field(default_factory=list)


def opportunity_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Opportunity", field="opportunityId", invalid=E.INVALID)


def application_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Application", field="applicationId", invalid=E.INVALID)
