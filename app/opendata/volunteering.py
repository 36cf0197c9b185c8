"""The UK Volunteering Data Standard (the volunteering opportunity data standard the Open Data
Institute develops for DCMS, https://standard.volunteeringdata.io), for aggregators.

The structure is the one its "Publishing Opportunities Data" page recommends: a JSON-LD
document (context https://api.volunteeringdata.io/context/v1) whose `graph` lists
Organisations, each embedding its activities, which embed their roles and sessions (location
and time). Field names follow that page and the standard's JSON format templates
(volunteeringdata/volunteering-open-data-infrastructure: data/json-format/*.json).

The activities are the open requests for volunteers that the hub's organisations post; a
member's own requests for help are not volunteering roles of an organisation, and are left out.
Places are the public area (the coarse cell and its name), never the exact place; contacts are
left out (applications go through the hub: `applyLink`), but for an organisation's contact
email once it published it (the policy table's rule for `contactEmail`).
"""

from typing import Any

import h3

from app.config import get_settings
from app.hubs.models import Hub
from app.opendata import directory
from app.opendata.common import Feed, Paging, iso, latest, licence_statement
from app.opendata.directory import Page, anonymous
from app.opendata.licences import licence_of
from app.opportunities.geo import public_cell
from app.opportunities.models import Opportunity, OpportunityKind
from app.organisations.models import Organisation
from app.people.models import CheckKind

CONTEXT = "https://api.volunteeringdata.io/context/v1"
NS = "https://ns.volunteeringdata.io/"
# The standard's requirement terms for the hub's checks (the others have no term yet).
ORGANISATION_FIELDS = ("website", "contactEmail")
REQUIREMENTS = {CheckKind.DBS_BASIC.value: "DBSCheck", CheckKind.DBS_ENHANCED.value: "DBSCheck"}


def _url(hub: Hub, path: str) -> str:
    return f"{get_settings().public_url}/hubs/{hub.slug}{path}"


async def feed(hub: Hub, page: Paging) -> Feed:
    """A page of open requests for volunteers by organisations (by id), grouped by
    organisation; five statements whatever the page size."""
    viewer = anonymous(hub.id)
    query = await directory.open_opportunities(viewer, kinds=(OpportunityKind.REQUEST,))
    found = await directory.opportunity_page(viewer, query, page, skills=True)
    orgs = list(found.organisations.values())
    seen = await directory.seen_fields(viewer, "Organisation", ORGANISATION_FIELDS, orgs)
    fields_of = {org.id: fields for org, fields in zip(orgs, seen, strict=True)}
    graph: dict[int, dict[str, Any]] = {}
    for opportunity in found.opportunities:
        org = found.organisations[opportunity.organisation_id or 0]
        if org.id not in graph:
            graph[org.id] = _organisation(hub, org, fields_of[org.id])
        graph[org.id]["activity"].append(_activity(hub, found, org, opportunity))
    updated = latest(await directory.last_updated(hub.id), hub.created_at)
    pages = -(-found.total // page.per_page) if found.total else 0
    body: dict[str, Any] = {
        "@context": CONTEXT,
        "graph": list(graph.values()),
        "publisher": {"name": hub.name, "url": _url(hub, "")},
        "license": licence_statement(hub),
        "dateModified": iso(updated),
        "page": {
            "number": page.page,
            "perPage": page.per_page,
            "totalItems": found.total,
            "totalPages": pages,
        },
    }
    if page.page < pages:
        body["next"] = (
            f"{get_settings().public_url}/opendata/{hub.slug}/volunteering.json"
            f"?page={page.page + 1}&per_page={page.per_page}"
        )
    return Feed(body=body, last_modified=updated, licence=licence_of(hub.open_data_licence))


def _organisation(hub: Hub, org: Organisation, seen: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "Organisation",
        "id": _url(hub, f"/organisations/{org.slug}"),
        "name": org.name,
        "description": org.description or org.name,
    }
    if "website" in seen and org.website.startswith(("http://", "https://")):
        item["website"] = org.website
    if "contactEmail" in seen and org.contact_email:  # only once the organisation published it
        item["email"] = org.contact_email
    item["activity"] = []
    return item


def _activity(hub: Hub, page: Page, org: Organisation, o: Opportunity) -> dict[str, Any]:
    apply_link = _url(hub, f"/opportunities/{o.id}")
    hidden = page.hidden.get(o.id, set())
    role: dict[str, Any] = {
        "title": o.title,
        "description": o.description or o.title,
        "applyLink": apply_link,
        "allowsRemoteParticipation": o.remote,
    }
    if o.min_age is not None and "minAge" not in hidden:
        role["minimumAge"] = str(o.min_age)
    requirements = sorted({NS + REQUIREMENTS[c] for c in o.required_checks if c in REQUIREMENTS})
    if requirements:
        role["requirement"] = requirements
    places_left = max(0, o.places - o.accepted_count)
    role["commitment"] = f"{places_left} of {o.places} places left" + (
        f"; repeats (iCalendar RRULE {o.recurrence})" if o.recurrence else ""
    )
    activity: dict[str, Any] = {
        "type": "Activity",
        "id": apply_link,
        "title": o.title,
        "description": o.description or o.title,
        "organisation": _url(hub, f"/organisations/{org.slug}"),
        "applyLink": apply_link,
        "allowsRemoteParticipation": o.remote,
        "requiresEmergencyParticipation": o.urgency == "urgent",
        "role": [role],
    }
    category = page.categories.get(o.category_id)
    if category is not None:
        activity["cause"] = [{"label": category.name}]
    if page.skills.get(o.id):
        activity["skill"] = [{"label": name} for name in page.skills[o.id]]
    session = _session(o, hidden)
    if session:
        activity["session"] = [session]
    return activity


def _session(o: Opportunity, hidden: set[str]) -> dict[str, Any]:
    session: dict[str, Any] = {}
    cell = None if "areaCell" in hidden else public_cell(o.cell8)
    area = "" if "areaName" in hidden else o.area_name
    if cell or area:
        place: dict[str, Any] = {"locationLabel": area or "Local area", "locationType": "area"}
        if cell:
            lat, lng = h3.cell_to_latlng(cell)
            place["latitude"], place["longitude"] = round(lat, 4), round(lng, 4)
        session["location"] = [place]
    elif o.remote:
        session["location"] = [{"locationLabel": "Online", "locationType": "online"}]
    if o.starts_at is not None or o.ends_at is not None:
        time: dict[str, Any] = {}
        if o.starts_at is not None:
            time["beginning"] = iso(o.starts_at)
        if o.ends_at is not None:
            time["end"] = iso(o.ends_at)
        session["time"] = [time]
    return session
