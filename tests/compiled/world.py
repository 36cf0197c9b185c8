"""A small hub for the compiled read path's tests: listings with and without organisations,
skills, categories, addresses and applications, and one caller of each kind."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.actor import Actor
from app.hubs import service as hubs
from app.opportunities import applications, service
from app.opportunities.models import Category, Opportunity
from app.organisations import service as organisations
from app.people.models import Role, Skill
from schema.relay import encode_id
from tests.helpers import Person, create_person

MANCHESTER = (53.4794, -2.2453)
SALFORD = (53.4875, -2.2901)


@dataclass
class World:
    hub: Any
    callers: dict[str, Person | None]
    opportunities: list[Opportunity]
    category_ids: list[str]
    organisation_ids: list[str]

    def gid(self, opportunity: Opportunity) -> str:
        return str(encode_id("Opportunity", opportunity.id))


def actor(person: Person, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


async def build() -> World:
    hub = await hubs.create_hub(name="Compiled hub", slug=f"compiled-{uuid.uuid4().hex[:8]}")
    poster = await create_person(hub=hub, display_name="Poster Ann")
    staff = await create_person(hub=hub, display_name="Staff Sam")
    member = await create_person(hub=hub, display_name="Member Mo")
    admin = await create_person(hub=hub, display_name="Admin Ada", roles=[Role.HUB_ADMIN])
    applicant = await create_person(hub=hub, display_name="Applicant Al")
    categories = [
        await Category.create(hub_id=hub.id, slug=f"c{n}", name=f"Category {n}") for n in range(3)
    ]
    skills = [
        await Skill.create(hub_id=hub.id, slug=f"s{n}", name=name, category="care")
        for n, name in enumerate(["Zebra care", "first aid", "Äpfel", "Driving"])
    ]
    org = await organisations.create_organisation(
        actor=actor(poster),
        name="Ancoats Food Bank",
        kind="charity",
        description="Food for all",
    )
    await organisations.add_member(
        actor=actor(poster), organisation_id=org.id, member_id=staff.member.id, role="staff"
    )
    created = []
    now = datetime.now(UTC)
    for n in range(14):
        fields: dict[str, Any] = {
            "kind": ("request", "offer")[n % 2],
            "title": f"Listing {n} \u2013 \"quoted\" 'single' \\ back",
            "description": f"Description {n}",
            "category_id": categories[n % 3].id,
            "location": (MANCHESTER, SALFORD)[n % 2],
            "skill_ids": [s.id for s in skills[: n % 4]],
            "places": 1 + n % 3,
            "address": f"{n} Market Street" if n % 3 else "",
            "contact_details": f"Call 0161 {n:04d}",
            "urgency": ("normal", "urgent")[n % 2 == 0 and n % 4 == 0],
        }
        if n % 3:
            fields["organisation_id"] = org.id
        if n % 5 != 4:
            fields["starts_at"] = now + timedelta(days=n + 1, microseconds=n * 1010)
            fields["ends_at"] = now + timedelta(days=n + 1, hours=2)
        created.append(
            await service.create_opportunity(actor=actor(poster), fields=fields, publish=n != 13)
        )
    # Applications: Al and Mo apply to several; some accepted (then they see the address).
    for opportunity in created[:6]:
        app = await applications.apply(
            actor=actor(applicant), opportunity_id=opportunity.id, message="I can help"
        )
        if opportunity.id % 2:
            await applications.accept(actor=actor(poster), application_id=app.id)
    for opportunity in created[2:4]:
        await applications.apply(actor=actor(member), opportunity_id=opportunity.id, message="Me")
    return World(
        hub=hub,
        callers={
            "anonymous": None,
            "member": member,
            "applicant": applicant,
            "poster": poster,
            "organisation staff": staff,
            "hub admin": admin,
        },
        opportunities=created,
        category_ids=[str(encode_id("Category", c.id)) for c in categories],
        organisation_ids=[str(encode_id("Organisation", org.id))],
    )
