"""Fixtures of the opportunities tests: a category, skills, and opportunities made by services."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.actor import Actor
from app.opportunities import service
from app.opportunities.models import Category, Opportunity
from app.people.models import Skill

MANCHESTER = (53.4794, -2.2453)
SALFORD = (53.4875, -2.2901)  # about 3.1 km west
LEEDS = (53.8008, -1.5491)  # about 58 km north-east


def actor_of(person: Any) -> Actor:
    from app.people.models import Role

    return Actor(member=person.member, roles=frozenset({Role.MEMBER}))


@pytest.fixture
async def category(hub: Any) -> Category:
    return await Category.create(hub_id=hub.id, slug="gardening", name="Gardening")


@pytest.fixture
async def skill(hub: Any) -> Skill:
    return await Skill.create(hub_id=hub.id, slug="first-aid", name="First aid", category="care")


@pytest.fixture
def post(category: Category) -> Any:
    """`await post(person, title=..., places=..., ...)`: a published opportunity."""

    async def make(person: Any, *, publish: bool = True, **fields: Any) -> Opportunity:
        values = {
            "kind": "request",
            "title": "Help in the community garden",
            "description": "Weeding and watering the raised beds.",
            "category_id": category.id,
            "location": MANCHESTER,
            "starts_at": datetime.now(UTC) + timedelta(days=3),
            "ends_at": datetime.now(UTC) + timedelta(days=3, hours=3),
            "places": 2,
        } | fields
        return await service.create_opportunity(
            actor=actor_of(person), fields=values, publish=publish
        )

    return make
