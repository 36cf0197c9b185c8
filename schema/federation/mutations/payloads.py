"""Payloads and ID helpers shared by the federation mutations."""

import strawberry

from app.federation.errors import FederationErrorCode as E
from schema.federation.types import AccountLink, FederationError, HubLink
from schema.relay import decode_id


@strawberry.type
class HubLinkPayload:
    link: HubLink | None = None
    errors: list[FederationError] = strawberry.field(default_factory=list)


def link_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "HubLink", field="linkId", invalid=E.INVALID)


@strawberry.type
class AccountLinkPayload:
    link: AccountLink | None = None
    errors: list[FederationError] = strawberry.field(default_factory=list)


def account_link_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "AccountLink", field="linkId", invalid=E.INVALID)
