"""360Giving (https://standard.threesixtygiving.org, schema 1.4): the credits councils and
funders give to community projects, as a 360Giving data package.

A grant is a match pot (app/campaigns: a funding organisation matches a campaign's pledges)
once its campaign succeeded and settled, for what it actually matched: the amount awarded is
in the hub's credits, so the currency is ISO 4217 "XXX" ("no currency involved") and each
grant says what a credit is in `amountAwardedUnit` (an additional field, as 360Giving allows).
Only campaigns the anonymous viewer may see appear (the policy table). The recipient is the
campaign's owner organisation; a campaign a member started names no one: the 360Giving
guidance for grants to individuals ("Individual recipient", an id of the grant's own).
"""

from typing import Any

from tortoise.expressions import Subquery

from app.campaigns.models import Campaign, CampaignStatus, MatchPot
from app.config import get_settings
from app.hubs.models import Hub
from app.opendata.common import Feed, Paging, iso, latest
from app.opendata.directory import anonymous, organisations
from app.opendata.licences import licence_of
from app.organisations.models import Organisation
from app.policy import visible

VERSION = "1.4"


def _prefix(hub: Hub) -> str:
    # 360Giving ids start with a publisher prefix; "360G-" plus a name is the form for
    # publishers without an assigned one.
    return f"360G-communityhub-{hub.slug}"


def _org_id(hub: Hub, org: Organisation) -> str:
    return f"{_prefix(hub)}-org-{org.slug}"


def _url(hub: Hub, path: str) -> str:
    return f"{get_settings().public_url}/hubs/{hub.slug}{path}"


async def feed(hub: Hub, page: Paging) -> Feed:
    """A page of the hub's grants by pot id: four statements whatever the page size."""
    viewer = anonymous(hub.id)
    campaigns = await visible(
        viewer, "Campaign", Campaign.filter(hub_id=hub.id, status=CampaignStatus.SUCCEEDED)
    )
    pots = MatchPot.filter(
        hub_id=hub.id,
        matched__gt=0,
        campaign_id__in=Subquery(campaigns.filter(settled_at__isnull=False).values("id")),
    )
    total = await pots.count()
    found = await pots.order_by("id").offset(page.offset).limit(page.per_page)
    by_id: dict[int, Campaign] = {}
    orgs: dict[int, Organisation] = {}
    if found:
        by_id = {c.id: c for c in await campaigns.filter(id__in={p.campaign_id for p in found})}
        org_ids = {p.funder_id for p in found} | {
            c.owner_organisation_id for c in by_id.values() if c.owner_organisation_id
        }
        orgs = {o.id: o for o in await (await organisations(viewer)).filter(id__in=org_ids)}
    grants = [_grant(hub, pot, by_id[pot.campaign_id], orgs) for pot in found]
    updated = latest(hub.created_at, *(c.updated_at for c in by_id.values()))
    licence = licence_of(hub.open_data_licence)
    body: dict[str, Any] = {
        "grants": grants,
        "version": VERSION,
        "title": f"Community credits granted to projects in {hub.name}",
        "description": (
            f"Credits that funders gave to community projects on {hub.name} by matching what"
            " the community pledged, once each project succeeded. Amounts are in the hub's"
            f" credits ({hub.credit_name}s), not money."
        ),
        "publisher": {"name": hub.name, "website": _url(hub, "")},
        "license": licence.url,
        "modified": iso(updated),
        "total_items": total,
        "page_number": page.page,
    }
    return Feed(body=body, last_modified=updated, licence=licence)


def _org(hub: Hub, org: Organisation) -> dict[str, Any]:
    item: dict[str, Any] = {"id": _org_id(hub, org), "name": org.name}
    if org.website.startswith(("http://", "https://")):
        item["url"] = org.website
    return item


def _grant(
    hub: Hub, pot: MatchPot, campaign: Campaign, orgs: dict[int, Organisation]
) -> dict[str, Any]:
    awarded = campaign.closed_at or campaign.settled_at or campaign.updated_at
    grant: dict[str, Any] = {
        "id": f"{_prefix(hub)}-match-{pot.id}",
        "title": campaign.title,
        "description": campaign.story or campaign.title,
        "currency": "XXX",
        "amountAwarded": pot.matched,
        "amountAwardedUnit": f"{hub.credit_name} ({hub.credits_per_hour} per hour volunteered)",
        "awardDate": awarded.date().isoformat(),
        "fundingOrganization": [_org(hub, orgs[pot.funder_id])],
        "dateModified": iso(campaign.updated_at),
        "url": _url(hub, f"/campaigns/{campaign.id}"),
        "fromOpenCall": "No",
    }
    owner = orgs.get(campaign.owner_organisation_id or 0)
    if owner is not None:
        grant["recipientOrganization"] = [_org(hub, owner)]
    else:
        grant["recipientIndividual"] = {
            "id": f"{_prefix(hub)}-individual-{pot.id}",
            "name": "Individual recipient",
        }
    if campaign.opened_at is not None:
        grant["plannedDates"] = [
            {
                "startDate": campaign.opened_at.date().isoformat(),
                "endDate": campaign.deadline.date().isoformat(),
            }
        ]
    return grant
