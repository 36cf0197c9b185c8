"""Fixtures of the moderation tests: a moderator, a hub admin, and a member's published
opportunity with its category; GraphQL documents shared by the test modules."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.actor import Actor
from app.opportunities import service as opportunities
from app.opportunities.models import Category, Opportunity
from app.people.models import Role
from schema.relay import encode_id
from tests.helpers import Person

REPORT = """
mutation($input: ReportObjectInput!) {
  reportObject(input: $input) { report { id reason note } errors { code field message } }
}
"""
QUEUE = """
query($first: Int, $after: String) {
  moderationQueue(first: $first, after: $after) {
    edges { cursor node {
      id target objectId status severity reportCount flags createdAt
      member { id displayName }
      reports { id reason note reporter { id } }
      actions { id kind reason }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ACTION_FIELDS = "action { id kind reason endsAt appealStatus member { id } } errors { code field }"
HIDE = f"""
mutation($input: HideReportedObjectInput!) {{ hideReportedObject(input: $input) {{ {ACTION_FIELDS} }} }}
"""
WARN = f"""
mutation($input: WarnMemberInput!) {{ warnMember(input: $input) {{ {ACTION_FIELDS} }} }}
"""
SUSPEND = f"""
mutation($input: SuspendMemberInput!) {{ suspendMember(input: $input) {{ {ACTION_FIELDS} }} }}
"""
REINSTATE = f"""
mutation($input: ReinstateMemberInput!) {{ reinstateMember(input: $input) {{ {ACTION_FIELDS} }} }}
"""
APPEAL = f"""
mutation($input: AppealModerationActionInput!) {{
  appealModerationAction(input: $input) {{ {ACTION_FIELDS} }}
}}
"""
DECIDE = f"""
mutation($input: DecideAppealInput!) {{ decideAppeal(input: $input) {{ {ACTION_FIELDS} }} }}
"""
RESOLVE = """
mutation($input: ResolveModerationCaseInput!) {
  resolveModerationCase(input: $input) { case { id status resolutionNote } errors { code field } }
}
"""
NOTIFICATIONS = "query { notifications(first: 20) { edges { node { kind title reason } } } }"
OPPORTUNITY = "query($id: ID!) { node(id: $id) { ... on Opportunity { id title status } } }"


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def actor_of(person: Person, *roles: Role) -> Actor:
    return Actor(member=person.member, roles=frozenset({Role.MEMBER, *roles}))


def refusal(body: dict[str, Any], name: str) -> str:
    """The code a refused mutation answered with (in its payload's errors)."""
    return str(body["data"][name]["errors"][0]["code"])


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@pytest.fixture
async def moderator(make_person: Any) -> Person:
    return await make_person(display_name="Mo", roles=[Role.MODERATOR])


@pytest.fixture
async def admin(make_person: Any) -> Person:
    return await make_person(display_name="Ada", roles=[Role.HUB_ADMIN])


@pytest.fixture
async def bob(make_person: Any) -> Person:
    return await make_person(display_name="Bob")


@pytest.fixture
async def category(hub: Any) -> Category:
    return await Category.create(hub_id=hub.id, slug="help", name="Help")


@pytest.fixture
def post(category: Category) -> Any:
    """Publishes an opportunity as `person`: `await post(bob, title="...")`."""

    async def make(
        person: Person, *, title: str = "Help moving a sofa", **extra: Any
    ) -> Opportunity:
        fields = {
            "kind": "request",
            "title": title,
            "category_id": category.id,
            "location": (53.48, -2.24),
            "places": 2,
            "starts_at": datetime.now(UTC) + timedelta(days=3),
            **extra,
        }
        return await opportunities.create_opportunity(
            actor=actor_of(person), publish=True, fields=fields
        )

    return make


async def report(
    gql: Any, person: Person, object_gid: str, reason: str = "SPAM", note: str = ""
) -> dict[str, Any]:
    data = await gql(
        REPORT, {"input": {"id": object_gid, "reason": reason, "note": note}}, as_=person
    )
    return data["reportObject"]  # type: ignore[no-any-return]
