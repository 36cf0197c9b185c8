"""Fixtures of the civic tests: a hub with an area, a council officer, categories, an
organisation that takes one category; GraphQL documents shared by the test modules."""

from typing import Any

import pytest

from app.actor import Actor
from app.civic import settings
from app.civic.problems import categories
from app.civic.problems.models import ProblemCategory
from app.organisations import service as organisations
from app.people.models import Role
from schema.relay import encode_id
from tests.helpers import Person

CENTRE = (53.4808, -2.2426)  # Manchester
NEAR = (53.4810, -2.2420)  # ~50 m away
FAR = (51.5074, -0.1278)  # London: outside

REPORT = """
mutation($input: ReportProblemInput!) {
  reportProblem(input: $input) {
    report { id status description location { lat lng } exactLocation { lat lng }
             exactLocationShown meTooCount organisation { id } }
    errors { code field message }
  }
}
"""
STATUS = """
mutation($input: UpdateProblemStatusInput!) {
  updateProblemStatus(input: $input) {
    report { id status closeReason fixedAt updates { status note } }
    errors { code field message }
  }
}
"""
ME_TOO = """
mutation($input: MeTooProblemInput!) {
  meTooProblem(input: $input) { report { id meTooCount } errors { code field message } }
}
"""
LIST = """
query($first: Int, $status: ProblemStatus) {
  problemReports(first: $first, status: $status) {
    edges { node {
      id status description photoUrls meTooCount location { lat lng } exactLocation { lat lng }
      address category { slug name } organisation { name } reporter { id }
      updates { status note } opportunity { id }
    } }
  }
}
"""
SIMILAR = """
query($c: ID!, $lat: Float!, $lng: Float!) {
  similarProblems(problemCategoryId: $c, lat: $lat, lng: $lng) { id meTooCount }
}
"""
NOTIFICATIONS = "query { notifications(first: 20) { edges { node { kind title reason } } } }"


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def actor_of(person: Person, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


@pytest.fixture
async def admin(make_person: Any) -> Person:
    return await make_person(display_name="Ada", roles=[Role.HUB_ADMIN])


@pytest.fixture
async def council(make_person: Any) -> Person:
    return await make_person(display_name="Cllr Cora", roles=[Role.COUNCIL])


@pytest.fixture
async def bob(make_person: Any) -> Person:
    return await make_person(display_name="Bob")


@pytest.fixture
async def area(admin: Person) -> None:
    await settings.set_civic_settings(
        actor=actor_of(admin, Role.HUB_ADMIN), centre=CENTRE, radius_km=15
    )


@pytest.fixture
async def fly_tipping(area: None, admin: Person) -> ProblemCategory:
    return await categories.create_category(
        actor=actor_of(admin, Role.HUB_ADMIN), slug="fly-tipping", name="Fly-tipping"
    )


@pytest.fixture
async def street_light(area: None, admin: Person) -> ProblemCategory:
    return await categories.create_category(
        actor=actor_of(admin, Role.HUB_ADMIN), slug="street-light", name="Broken street light"
    )


@pytest.fixture
async def lights_company(make_person: Any, admin: Person, street_light: ProblemCategory) -> Any:
    """An organisation that takes street lights across the hub; `.staff` is its owner."""
    owner = await make_person(display_name="Lumen Owner")
    org = await organisations.create_organisation(
        actor=actor_of(owner), name="Lumen Ltd", kind="business", contact_email="l@example.org"
    )
    await categories.add_route(
        actor=actor_of(admin, Role.HUB_ADMIN), category_id=street_light.id,
        organisation_id=org.id, cells=[],
    )  # fmt: skip
    org.staff = owner
    return org


async def post_report(
    gql: Any,
    person: Person,
    category: ProblemCategory,
    place: tuple[float, float] = NEAR,
    **extra: Any,
) -> dict[str, Any]:
    data = await gql(
        REPORT,
        {"input": {
            "problemCategoryId": gid("ProblemCategory", category.id),
            "location": {"lat": place[0], "lng": place[1]},
            "description": "A sofa dumped on the pavement",
            **extra,
        }},
        as_=person,
    )  # fmt: skip
    return data["reportProblem"]  # type: ignore[no-any-return]
