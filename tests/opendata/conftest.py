"""Fixtures of the open data tests: a hub's directory made through the services — two
organisations (one with an unpublished contact email), their open, draft and cancelled
opportunities, a member's own request, and a member whose exact home is known."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.actor import Actor
from app.opportunities import service as opportunities
from app.opportunities.models import Category, Opportunity
from app.organisations import service as organisations
from app.organisations.models import Organisation
from app.people import service as people
from app.people.models import Role, Skill

# Exact places: none of these digits may appear in any feed.
GARDEN = (53.479412, -2.245317)
HOME = (53.487531, -2.290149)
SECRET_EMAIL = "volunteers-private@greenfingers.example"
SECRET_ADDRESS = "12 Hidden Lane, M1 1AA"
SECRET_CONTACT = "Ring Sam on 07700 900123"


def actor_of(person: Any) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER}))


@dataclass
class World:
    hub: Any
    owner: Any
    resident: Any
    green: Organisation
    quiet: Organisation
    garden: Opportunity  # an organisation's open request for volunteers, with a place
    repair: Opportunity  # an organisation's open, remote offer of help
    draft: Opportunity
    cancelled: Opportunity
    own_request: Opportunity  # a member's own request: not part of the directory
    category: Category
    skill: Skill


async def post(actor: Actor, category: Category, publish: bool = True, **fields: Any) -> Any:
    values = {
        "kind": "request",
        "title": "Help in the community garden",
        "description": "Weeding and watering the raised beds.",
        "category_id": category.id,
        "location": GARDEN,
        "starts_at": datetime.now(UTC) + timedelta(days=3),
        "ends_at": datetime.now(UTC) + timedelta(days=3, hours=3),
        "places": 4,
    } | fields
    return await opportunities.create_opportunity(actor=actor, fields=values, publish=publish)


@pytest.fixture
async def world(hub: Any, make_person: Any) -> World:
    owner = await make_person(display_name="Olive Owner")
    resident = await make_person(display_name="Rita Resident")
    await people.update_profile(actor=actor_of(resident), changes={"home": HOME})
    actor = actor_of(owner)
    green = await organisations.create_organisation(
        actor=actor,
        name="Green Fingers",
        kind="charity",
        description="Community gardening in Ancoats.",
        website="https://greenfingers.example/",
        contact_email=SECRET_EMAIL,
        area="Ancoats",
    )
    quiet = await organisations.create_organisation(
        actor=actor, name="Quiet Readers", kind="community_group"
    )
    category = await Category.create(hub_id=hub.id, slug="gardening", name="Gardening")
    skill = await Skill.create(hub_id=hub.id, slug="first-aid", name="First aid", category="care")
    garden = await post(
        actor,
        category,
        organisation_id=green.id,
        area_name="Ancoats",
        address=SECRET_ADDRESS,
        contact_details=SECRET_CONTACT,
        required_checks=["dbs_basic"],
        min_age=16,
        skill_ids=[skill.id],
    )
    repair = await post(
        actor,
        category,
        kind="offer",
        title="Bike repair café",
        description="Bring your bike, we fix it together.",
        organisation_id=green.id,
        location=None,
        remote=True,
    )
    draft = await post(actor, category, publish=False, title="Draft plan", organisation_id=green.id)
    cancelled = await post(actor, category, title="Called off", organisation_id=green.id)
    await opportunities.cancel_opportunity(actor=actor, opportunity_id=cancelled.id)
    own_request = await post(
        actor_of(resident), category, title="Help me move a sofa", location=HOME
    )
    return World(
        hub=hub,
        owner=owner,
        resident=resident,
        green=green,
        quiet=quiet,
        garden=garden,
        repair=repair,
        draft=draft,
        cancelled=cancelled,
        own_request=own_request,
        category=category,
        skill=skill,
    )


async def get_json(http: httpx.AsyncClient, url: str, status: int = 200) -> Any:
    response = await http.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(("application/json", "application/ld+json"))
    return response.json()
