"""Payloads and ID helpers shared by the campaign mutations."""

import strawberry

from app.campaigns.errors import CampaignErrorCode as E
from schema.campaigns.types import (
    Campaign,
    CampaignError,
    CampaignUpdate,
    GroupBuyOrder,
    InKindPledge,
    MatchPot,
    Pledge,
)
from schema.relay import decode_id


@strawberry.type
class CampaignPayload:
    campaign: Campaign | None = None
    errors: list[CampaignError] = strawberry.field(default_factory=list)


@strawberry.type
class PledgePayload:
    pledge: Pledge | None = None
    errors: list[CampaignError] = strawberry.field(default_factory=list)


@strawberry.type
class CampaignUpdatePayload:
    update: CampaignUpdate | None = None
    errors: list[CampaignError] = strawberry.field(default_factory=list)


@strawberry.type
class MatchPotPayload:
    match_pot: MatchPot | None = None
    errors: list[CampaignError] = strawberry.field(default_factory=list)


@strawberry.type
class InKindPledgePayload:
    in_kind_pledge: InKindPledge | None = None
    errors: list[CampaignError] = strawberry.field(default_factory=list)


@strawberry.type
class GroupBuyOrderPayload:
    order: GroupBuyOrder | None = None
    errors: list[CampaignError] = strawberry.field(default_factory=list)


def campaign_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Campaign", field="campaignId", invalid=E.INVALID)


def pledge_id(gid: strawberry.ID) -> int:
    return decode_id(gid, "Pledge", field="pledgeId", invalid=E.INVALID)


def organisation_id(gid: strawberry.ID | None, field: str) -> int | None:
    if gid is None:
        return None
    return decode_id(gid, "Organisation", field=field, invalid=E.INVALID)
