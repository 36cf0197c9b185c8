"""Tenancy: a member of one hub never reads or changes another hub's rows.

Hub A is filled with one of everything; a hub admin of hub B then tries every node type and
list, and mutations aimed at A's ids. Afterwards every row of hub A is byte-for-byte the same.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise import Tortoise

from app.actor import Actor
from app.opportunities import applications, service
from app.opportunities.models import Category
from app.organisations import service as organisations
from app.people.models import CheckKind, Role, Skill, TrustCheck
from app.portfolios import hours
from schema.relay import encode_id
from tests.helpers import create_person


async def _snapshot(hub_id: int) -> dict[str, str]:
    conn = Tortoise.get_connection("default")
    tables = await conn.execute_query_dict(
        "SELECT table_name FROM information_schema.columns"
        " WHERE column_name = 'hub_id' AND table_schema = 'public' ORDER BY table_name"
    )
    snapshot = {}
    for row in tables:
        name = row["table_name"]
        digest = await conn.execute_query_dict(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS d"
            f' FROM "{name}" t WHERE t.hub_id = $1',
            [hub_id],
        )
        snapshot[name] = digest[0]["d"]
    return snapshot


async def _fill(hub: Any) -> dict[str, Any]:
    owner = await create_person(hub=hub, display_name="Owner", roles=[Role.HUB_ADMIN])
    volunteer = await create_person(hub=hub, display_name="Volunteer")
    owner_actor = Actor(member=owner.member, roles=frozenset({Role.MEMBER, Role.HUB_ADMIN}))
    volunteer_actor = Actor(member=volunteer.member, roles=frozenset({Role.MEMBER}))
    org = await organisations.create_organisation(
        actor=owner_actor, name="Hub A Charity", kind="charity"
    )
    skill = await Skill.create(hub_id=hub.id, slug="cooking", name="Cooking")
    category = await Category.create(hub_id=hub.id, slug="food", name="Food")
    check = await TrustCheck.create(
        hub_id=hub.id, member_id=volunteer.member.id, kind=CheckKind.DBS_BASIC, reference="A-1"
    )
    opportunity = await service.create_opportunity(
        actor=owner_actor,
        publish=True,
        fields={
            "kind": "request",
            "title": "Cook for the lunch club",
            "category_id": category.id,
            "location": (53.48, -2.24),
            "places": 2,
            "organisation_id": org.id,
            "starts_at": datetime.now(UTC) - timedelta(days=1) + timedelta(days=2),
        },
    )
    application = await applications.apply(actor=volunteer_actor, opportunity_id=opportunity.id)
    await applications.accept(actor=owner_actor, application_id=application.id)
    record = await hours.log_hours(
        actor=volunteer_actor, application_id=application.id, worked_on=date.today(), minutes=60
    )
    return {
        "Member": owner.member.id,
        "Organisation": org.id,
        "Skill": skill.id,
        "Category": category.id,
        "TrustCheck": check.id,
        "Opportunity": opportunity.id,
        "Application": application.id,
        "HoursRecord": record.id,
        "Hub": hub.id,
    }


NODE = "query($id: ID!) { node(id: $id) { id } }"
LISTS = """{
  organisations(first: 50) { edges { node { id } } }
  skills(first: 50) { edges { node { id } } }
  categories(first: 50) { edges { node { id } } }
  opportunities(first: 50) { edges { node { id } } }
  members(first: 50) { edges { node { id } } }
  pendingTrustChecks(first: 50) { edges { node { id } } }
}"""
MUTATIONS = [
    (
        'mutation($id: ID!) { updateOrganisation(input: {organisationId: $id, name: "Taken"}) { errors { code } } }',
        "Organisation",
    ),
    (
        "mutation($id: ID!) { addOrganisationMember(input: {organisationId: $id, memberId: $id, role: STAFF}) { errors { code } } }",
        "Organisation",
    ),
    (
        'mutation($id: ID!) { updateSkill(input: {skillId: $id, name: "Taken"}) { errors { code } } }',
        "Skill",
    ),
    ("mutation($id: ID!) { setMySkills(input: {skillIds: [$id]}) { errors { code } } }", "Skill"),
    (
        "mutation($id: ID!) { reviewTrustCheck(input: {checkId: $id, approve: true}) { errors { code } } }",
        "TrustCheck",
    ),
    (
        "mutation($id: ID!) { grantRole(input: {memberId: $id, role: MODERATOR}) { errors { code } } }",
        "Member",
    ),
    (
        "mutation($id: ID!) { revokeRole(input: {memberId: $id, role: HUB_ADMIN}) { errors { code } } }",
        "Member",
    ),
    (
        'mutation($id: ID!) { updateOpportunity(input: {opportunityId: $id, fields: {title: "Taken"}}) { errors { code } } }',
        "Opportunity",
    ),
    (
        "mutation($id: ID!) { closeOpportunity(input: {opportunityId: $id}) { errors { code } } }",
        "Opportunity",
    ),
    (
        "mutation($id: ID!) { cancelOpportunity(input: {opportunityId: $id}) { errors { code } } }",
        "Opportunity",
    ),
    (
        "mutation($id: ID!) { applyToOpportunity(input: {opportunityId: $id}) { errors { code } } }",
        "Opportunity",
    ),
    (
        "mutation($id: ID!) { acceptApplication(input: {applicationId: $id}) { errors { code } } }",
        "Application",
    ),
    (
        "mutation($id: ID!) { declineApplication(input: {applicationId: $id}) { errors { code } } }",
        "Application",
    ),
    (
        "mutation($id: ID!) { withdrawApplication(input: {applicationId: $id}) { errors { code } } }",
        "Application",
    ),
    (
        'mutation($id: ID!) { logHours(input: {applicationId: $id, workedOn: "2026-01-01", minutes: 30}) { errors { code } } }',
        "Application",
    ),
    (
        "mutation($id: ID!) { verifyHours(input: {hoursRecordId: $id}) { errors { code } } }",
        "HoursRecord",
    ),
    (
        "mutation($id: ID!) { resolveHoursDispute(input: {hoursRecordId: $id, verify: true}) { errors { code } } }",
        "HoursRecord",
    ),
    (
        "mutation($id: ID!) { writeReview(input: {applicationId: $id, rating: 1}) { errors { code } } }",
        "Application",
    ),
]


async def test_a_hub_admin_of_another_hub_reads_and_changes_nothing(
    gql: Any, hub: Any, other_hub: Any
) -> None:
    # given
    ids = await _fill(hub)
    before = await _snapshot(hub.id)
    assert {"member", "organisation", "opportunity", "application", "hours_record"} <= before.keys()
    intruder = await create_person(
        hub=other_hub, roles=[Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR]
    )
    # when / then: no node of hub A resolves, even with hub A's slug in the CH-Hub header
    for type_name, pk in ids.items():
        if type_name == "Hub":
            continue
        data = await gql(
            NODE, {"id": str(encode_id(type_name, pk))}, as_=intruder, headers={"CH-Hub": hub.slug}
        )
        assert data["node"] is None, type_name
    # and no list shows hub A's rows
    lists = await gql(LISTS, as_=intruder, headers={"CH-Hub": hub.slug})
    assert all(
        connection["edges"] == []
        or all(
            e["node"]["id"] not in {str(encode_id(t, pk)) for t, pk in ids.items()}
            for e in connection["edges"]
        )
        for connection in lists.values()
    )
    # and every mutation aimed at hub A's rows fails with a typed error
    for document, type_name in MUTATIONS:
        data = await gql(document, {"id": str(encode_id(type_name, ids[type_name]))}, as_=intruder)
        [payload] = data.values()
        assert payload["errors"], document
        assert payload["errors"][0]["code"] in {"NOT_FOUND", "INVALID", "FORBIDDEN"}, document
    # then: hub A is exactly as it was
    assert await _snapshot(hub.id) == before


async def test_anonymous_reads_are_scoped_to_the_hub_header(
    gql: Any, hub: Any, other_hub: Any
) -> None:
    await _fill(hub)
    public = "{ organisations(first: 5) { edges { node { name } } } opportunities(first: 5) { edges { node { title } } } }"
    own = await gql(public, headers={"CH-Hub": hub.slug})
    other = await gql(public, headers={"CH-Hub": other_hub.slug})
    nowhere = await gql(public)
    assert own["organisations"]["edges"] and own["opportunities"]["edges"]
    for data in (other, nowhere):
        assert data["organisations"]["edges"] == [] and data["opportunities"]["edges"] == []
