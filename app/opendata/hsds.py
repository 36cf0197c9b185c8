"""Open Referral HSDS 3.0: the hub's organisations and their open opportunities as the
specification's organizations, services, locations and service_at_locations, for its API
(https://docs.openreferral.org/en/v3.0/hsds/api_reference.html; openapi.json of
openreferral/specification at tag v3.0).

Mapping:
- organisation → organization (its email only once it published it: the policy table shows
  it to signed-in members otherwise);
- open opportunity of an organisation (an offer of help, or a request for volunteers) → service
  (status "active"), its category named in its description;
- the public area of such an opportunity (the coarse H3 cell everyone sees, never its exact
  place) → location, "physical" (or "virtual" when remote), with the centre of that cell;
- the two together → service_at_location.
Ids are UUIDs of app.opendata.common.public_id, stable across requests.
"""

from typing import Any
from zoneinfo import ZoneInfo

import h3

from app.config import get_settings
from app.hubs.models import Hub
from app.i18n import _
from app.opendata import directory
from app.opendata.common import (
    E,
    Feed,
    Kind,
    OpenDataError,
    Paging,
    envelope,
    iso,
    latest,
    licence_statement,
    public_id,
    row_id,
    since,
)
from app.opendata.directory import Page, anonymous
from app.opendata.licences import licence_of
from app.opportunities.geo import public_cell
from app.opportunities.models import Opportunity, OpportunityKind
from app.organisations.models import Organisation

VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
ORGANISATION_FIELDS = ("name", "description", "website", "contactEmail", "area")


def _url(hub: Hub, path: str) -> str:
    return f"{get_settings().public_url}/hubs/{hub.slug}{path}"


async def _feed(hub: Hub, body: dict[str, Any]) -> Feed:
    updated = latest(await directory.last_updated(hub.id), hub.created_at)
    body = {**body, "license": licence_statement(hub), "last_updated": iso(updated)}
    return Feed(body=body, last_modified=updated, licence=licence_of(hub.open_data_licence))


async def about(hub: Hub) -> Feed:
    """GET / of the API: the HSDS version, the profile and the OpenAPI document it follows."""
    return await _feed(
        hub,
        {
            "version": VERSION,
            "profile": "https://openreferral.org/",
            "openapi_url": OPENAPI_URL,
            "publisher": hub.name,
        },
    )


# -- Organizations ----------------------------------------------------------------------------


def _organisation(hub: Hub, org: Organisation, seen: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": _id(hub, Kind.ORGANIZATION, org.id),
        "name": org.name,
        "description": org.description or org.name,
        "uri": _url(hub, f"/organisations/{org.slug}"),
    }
    if "website" in seen and org.website.startswith(("http://", "https://")):
        item["website"] = org.website
    if "contactEmail" in seen and org.contact_email:
        item["email"] = org.contact_email
    return item


async def _organisations(hub: Hub, orgs: list[Organisation]) -> list[dict[str, Any]]:
    viewer = anonymous(hub.id)
    seen = await directory.seen_fields(viewer, "Organisation", ORGANISATION_FIELDS, orgs)
    return [_organisation(hub, o, s) for o, s in zip(orgs, seen, strict=True)]


def _id(hub: Hub, kind: Kind, pk: int) -> str:
    return public_id(hub.id, kind, pk)


async def organizations(hub: Hub, page: Paging) -> Feed:
    query = (await directory.organisations(anonymous(hub.id))).order_by("name", "id")
    total = await query.count()
    orgs = await query.offset(page.offset).limit(page.per_page)
    return await _feed(hub, envelope(total, page, await _organisations(hub, orgs)))


async def organization(hub: Hub, text_id: str) -> Feed:
    """One organization, fully nested: with its open services."""
    viewer = anonymous(hub.id)
    pk = row_id(hub.id, Kind.ORGANIZATION, text_id)
    org = await (await directory.organisations(viewer)).filter(id=pk).first()
    if org is None:
        raise OpenDataError(E.NOT_FOUND, _("Nothing with this id is published here."), "id", 404)
    item = (await _organisations(hub, [org]))[0]
    query = await directory.open_opportunities(viewer, organisation_id=org.id)
    page = await directory.opportunity_page(viewer, query.limit(500), None)
    item["services"] = [_service(hub, page, o, full=True) for o in page.opportunities]
    return await _feed(hub, item)


# -- Services ---------------------------------------------------------------------------------


def _place(page: Page, opportunity: Opportunity) -> tuple[str | None, str]:
    """The public cell and area name of an opportunity, as the viewer may see them."""
    hidden = page.hidden.get(opportunity.id, set())
    cell = None if "areaCell" in hidden else public_cell(opportunity.cell8)
    area = "" if "areaName" in hidden else opportunity.area_name
    return cell, area


def _has_location(page: Page, opportunity: Opportunity) -> bool:
    cell, area = _place(page, opportunity)
    return bool(cell or area or opportunity.remote)


def _service(hub: Hub, page: Page, o: Opportunity, *, full: bool) -> dict[str, Any]:
    category = page.categories.get(o.category_id)
    kind = "Help offered" if o.kind == OpportunityKind.OFFER else "Volunteers wanted"
    description = o.description or o.title
    if category is not None:
        description = f"{description}\n\n{kind} · {category.name}"
    item: dict[str, Any] = {
        "id": _id(hub, Kind.SERVICE, o.id),
        "organization_id": _id(hub, Kind.ORGANIZATION, o.organisation_id or 0),
        "name": o.title,
        "description": description,
        "url": _url(hub, f"/opportunities/{o.id}"),
        "status": "active",
        "application_process": f"Apply on {hub.name}: {_url(hub, f'/opportunities/{o.id}')}",
        "last_modified": iso(o.updated_at),
    }
    if o.min_age is not None and "minAge" not in page.hidden.get(o.id, set()):
        item["minimum_age"] = o.min_age
    if not full:
        return item
    org = page.organisations.get(o.organisation_id or 0)
    if org is not None:
        item["organization"] = {
            "id": item["organization_id"],
            "name": org.name,
            "description": org.description or org.name,
        }
    item["service_at_locations"] = (
        [_service_at_location(hub, page, o, nested=False)] if _has_location(page, o) else []
    )
    schedule = _schedule(hub, o)
    item["schedules"] = [schedule] if schedule else []
    return item


def _schedule(hub: Hub, o: Opportunity) -> dict[str, Any] | None:
    """Its dates in the hub's time zone (HSDS's `timezone` is a UTC offset in hours, which a
    zone with summer time has no single value of: the zone is named in the description)."""
    if o.starts_at is None and o.ends_at is None:
        return None
    zone = ZoneInfo(hub.timezone)
    notes = [f"Dates in {hub.timezone}."]
    schedule: dict[str, Any] = {"id": _id(hub, Kind.SCHEDULE, o.id)}
    if o.starts_at is not None:
        start = o.starts_at.astimezone(zone)
        schedule["valid_from"] = schedule["dtstart"] = start.date().isoformat()
        notes.append(f"Starts {start.isoformat(timespec='minutes')}.")
    if o.ends_at is not None:
        end = o.ends_at.astimezone(zone)
        schedule["valid_to"] = end.date().isoformat()
        notes.append(f"Ends {end.isoformat(timespec='minutes')}.")
    if o.recurrence:
        notes.append(f"Repeats (iCalendar RRULE): {o.recurrence}")
    schedule["description"] = " ".join(notes)
    return schedule


async def services(hub: Hub, page: Paging, params: dict[str, str]) -> Feed:
    viewer = anonymous(hub.id)
    organisation_id = None
    if params.get("organization_id"):
        organisation_id = _filter_id(hub, Kind.ORGANIZATION, params["organization_id"])
    query = await directory.open_opportunities(
        viewer, organisation_id=organisation_id, modified_after=since(params, "modified_after")
    )
    found = await directory.opportunity_page(viewer, query, page)
    contents = [_service(hub, found, o, full=False) for o in found.opportunities]
    return await _feed(hub, envelope(found.total, page, contents))


def _filter_id(hub: Hub, kind: Kind, text: str) -> int:
    """A filter naming something this hub does not publish matches nothing (id 0)."""
    try:
        return row_id(hub.id, kind, text)
    except OpenDataError as exc:
        if exc.status == 404:
            return 0
        raise OpenDataError(exc.code, exc.message, kind.name.lower() + "_id") from exc


async def _one(hub: Hub, kind: Kind, text_id: str, *, placed: bool) -> tuple[Page, Opportunity]:
    viewer = anonymous(hub.id)
    pk = row_id(hub.id, kind, text_id)
    query = (await directory.open_opportunities(viewer, placed=placed)).filter(id=pk)
    page = await directory.opportunity_page(viewer, query, None)
    if not page.opportunities or (placed and not _has_location(page, page.opportunities[0])):
        raise OpenDataError(E.NOT_FOUND, _("Nothing with this id is published here."), "id", 404)
    return page, page.opportunities[0]


async def service(hub: Hub, text_id: str) -> Feed:
    page, found = await _one(hub, Kind.SERVICE, text_id, placed=False)
    return await _feed(hub, _service(hub, page, found, full=True))


# -- Locations and service_at_locations -------------------------------------------------------


def _location(hub: Hub, page: Page, o: Opportunity) -> dict[str, Any]:
    cell, area = _place(page, o)
    item: dict[str, Any] = {
        "id": _id(hub, Kind.LOCATION, o.id),
        "location_type": "virtual" if o.remote and not cell else "physical",
        "organization_id": _id(hub, Kind.ORGANIZATION, o.organisation_id or 0),
        "name": area or ("Online" if o.remote else "Local area"),
    }
    if cell:
        lat, lng = h3.cell_to_latlng(cell)
        item["latitude"] = round(lat, 4)
        item["longitude"] = round(lng, 4)
        item["external_identifier"] = cell
        item["external_identifier_type"] = "h3"
        item["description"] = (
            "The area (an H3 cell of about 5 km²) where this takes place, and its centre:"
            " the exact place is given to accepted volunteers only."
        )
    return item


def _service_at_location(hub: Hub, page: Page, o: Opportunity, *, nested: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": _id(hub, Kind.SERVICE_AT_LOCATION, o.id),
        "service_id": _id(hub, Kind.SERVICE, o.id),
        "location_id": _id(hub, Kind.LOCATION, o.id),
        "location": _location(hub, page, o),
    }
    if nested:
        item["service"] = _service(hub, page, o, full=False)
    return item


async def service_at_locations(hub: Hub, page: Paging, params: dict[str, str]) -> Feed:
    viewer = anonymous(hub.id)
    organisation_id = None
    if params.get("organization_id"):
        organisation_id = _filter_id(hub, Kind.ORGANIZATION, params["organization_id"])
    query = await directory.open_opportunities(viewer, organisation_id=organisation_id, placed=True)
    found = await directory.opportunity_page(viewer, query, page)
    contents = [_service_at_location(hub, found, o, nested=True) for o in found.opportunities]
    return await _feed(hub, envelope(found.total, page, contents))


async def service_at_location(hub: Hub, text_id: str) -> Feed:
    page, found = await _one(hub, Kind.SERVICE_AT_LOCATION, text_id, placed=True)
    return await _feed(hub, _service_at_location(hub, page, found, nested=True))


async def locations(hub: Hub, page: Paging) -> Feed:
    """Not an endpoint of the HSDS 3.0 API (its locations come nested in service_at_locations):
    offered for directories that load locations on their own, items as schema/location.json."""
    viewer = anonymous(hub.id)
    query = await directory.open_opportunities(viewer, placed=True)
    found = await directory.opportunity_page(viewer, query, page)
    contents = [_location(hub, found, o) for o in found.opportunities]
    return await _feed(hub, envelope(found.total, page, contents))


async def location(hub: Hub, text_id: str) -> Feed:
    page, found = await _one(hub, Kind.LOCATION, text_id, placed=True)
    return await _feed(hub, _location(hub, page, found))
