"""360Giving feed: the credits funders gave to projects (match pots of campaigns that
succeeded), validated with `jsonschema` against the published 360Giving 1.4 package and grant
schemas (tests/opendata/schemas/README.md)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.campaigns.models import Campaign, CampaignKind, CampaignStatus, MatchPot
from app.credits import ledger
from app.organisations import service as organisations
from tests.opendata import schemas
from tests.opendata.conftest import World, actor_of, get_json

NOW = datetime.now(UTC)


async def project(
    world: World, title: str, status: CampaignStatus, *, by_member: bool = False
) -> Campaign:
    """A project campaign as its flows leave it (the ledger's holds are not this feed's)."""
    owner_org = None if by_member else world.green.id
    account = (
        await ledger.member_account(world.hub.id, world.resident.member.id)
        if by_member
        else await ledger.organisation_account(world.hub.id, world.green.id)
    )
    ended = status in (CampaignStatus.SUCCEEDED, CampaignStatus.FAILED)
    return await Campaign.create(
        hub_id=world.hub.id,
        kind=CampaignKind.PROJECT,
        status=status,
        title=title,
        story=f"{title}: raised beds for the estate.",
        owner_member_id=world.resident.member.id if by_member else None,
        owner_organisation_id=owner_org,
        created_by_id=world.resident.member.id if by_member else world.owner.member.id,
        recipient_account_id=account.id,
        target=3000,
        deadline=NOW - timedelta(days=1) if ended else NOW + timedelta(days=20),
        hold_group=uuid.uuid4(),
        opened_at=NOW - timedelta(days=30) if status != CampaignStatus.DRAFT else None,
        closed_at=NOW - timedelta(days=1) if ended else None,
        settled_at=NOW - timedelta(hours=20) if ended else None,
    )


async def pot(world: World, campaign: Campaign, funder: Any, matched: int) -> MatchPot:
    account = await ledger.organisation_account(world.hub.id, funder.id)
    return await MatchPot.create(
        hub_id=world.hub.id,
        campaign_id=campaign.id,
        funder_id=funder.id,
        account_id=account.id,
        created_by_id=world.owner.member.id,
        total_cap=5000,
        matched=matched,
    )


async def test_grants_are_the_matched_credits_of_projects_that_succeeded(
    http: httpx.AsyncClient, world: World
) -> None:
    # given: a council matching two projects that succeeded (one started by a member), one
    # still open, one that failed, and a draft
    council = await organisations.create_organisation(
        actor=actor_of(world.owner),
        name="Ancoats Council",
        kind="council_service",
        website="https://council.example/",
    )
    beds = await project(world, "Raised beds", CampaignStatus.SUCCEEDED)
    street = await project(world, "Street party", CampaignStatus.SUCCEEDED, by_member=True)
    open_one = await project(world, "Still open", CampaignStatus.OPEN)
    failed = await project(world, "Fell short", CampaignStatus.FAILED)
    draft = await project(world, "Secret plan", CampaignStatus.DRAFT)
    granted = await pot(world, beds, council, 1200)
    await pot(world, street, council, 300)
    for other in (open_one, failed, draft):
        await pot(world, other, council, 500)
    # when
    body = await get_json(http, f"/opendata/{world.hub.slug}/360giving.json")
    # then: a valid package whose every grant is a valid 1.4.3 grant
    schemas.check(schemas.giving_package(), body)
    grant_schema = schemas.giving_grant()
    for grant in body["grants"]:
        schemas.check(grant_schema, grant)
    assert [g["title"] for g in body["grants"]] == ["Raised beds", "Street party"]
    beds_grant, street_grant = body["grants"]
    assert beds_grant["id"] == f"360G-communityhub-{world.hub.slug}-match-{granted.id}"
    assert beds_grant["amountAwarded"] == 1200 and beds_grant["currency"] == "XXX"
    assert beds_grant["fundingOrganization"][0]["name"] == "Ancoats Council"
    assert beds_grant["recipientOrganization"][0]["name"] == "Green Fingers"
    # a member's project names no one
    assert street_grant["recipientIndividual"]["name"] == "Individual recipient"
    assert "Rita" not in str(body)
    assert body["license"].startswith("https://www.nationalarchives.gov.uk/")
    assert body["modified"]


async def test_no_grant_yet_is_still_a_valid_answer(http: httpx.AsyncClient, world: World):
    # when
    body = await get_json(http, f"/opendata/{world.hub.slug}/360giving.json")
    # then: 360Giving packages need one grant at least; the licence and update are still there
    assert body["grants"] == [] and body["total_items"] == 0
    assert body["license"] and body["modified"]
