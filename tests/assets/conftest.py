"""Fixtures of the assets tests: the hub's default asset categories and assets listed through
the service."""

from typing import Any

import pytest

from app.actor import Actor
from app.assets import service
from app.assets.models import Asset, AssetCategory
from app.people.models import Role
from schema.relay import encode_id

MANCHESTER = (53.4794, -2.2453)
SALFORD = (53.4875, -2.2901)  # about 3.1 km west
LEEDS = (53.8008, -1.5491)  # about 58 km north-east


def actor_of(person: Any, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


@pytest.fixture
async def furniture(hub: Any) -> AssetCategory:
    """One of the default categories every hub starts with."""
    return await AssetCategory.get(hub_id=hub.id, slug="furniture")


@pytest.fixture
async def spaces(hub: Any) -> AssetCategory:
    return await AssetCategory.get(hub_id=hub.id, slug="spaces")


@pytest.fixture
def list_asset(furniture: AssetCategory) -> Any:
    """`await list_asset(person, title=..., ...)`: an asset listed at once (a giveaway of a
    desk in Manchester unless told otherwise)."""

    async def make(
        person: Any,
        *,
        publish: bool = True,
        roles: tuple[Role, ...] = (),
        organisation_id: int | None = None,
        for_hub: bool = False,
        **fields: Any,
    ) -> Asset:
        values = {
            "kind": "giveaway",
            "title": "Oak desk",
            "description": "A sturdy office desk, two drawers.",
            "category_id": furniture.id,
            "location": MANCHESTER,
            "address": "1 Market Street",
            "contact_details": "call 0161 000 0000",
            "weight_kg": 30.0,
        } | fields
        return await service.create_asset(
            actor=actor_of(person, *roles),
            fields=values,
            organisation_id=organisation_id,
            for_hub=for_hub,
            publish=publish,
        )

    return make
