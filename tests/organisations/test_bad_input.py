"""Bad input to organisation mutations: typed errors naming the field, and nothing written."""

from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.organisations.models import Organisation, OrganisationMember
from tests.organisations.conftest import gid

CREATE = """
mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { organisation { id } errors { code field message } }
}"""
UPDATE = """
mutation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) { organisation { id } errors { code field message } }
}"""
ADD = """
mutation($input: AddOrganisationMemberInput!) {
  addOrganisationMember(input: $input) { membership { role } errors { code field message } }
}"""
REMOVE = """
mutation($input: RemoveOrganisationMemberInput!) {
  removeOrganisationMember(input: $input) { organisation { id } errors { code field message } }
}"""

BAD_PROFILE = [
    ({"name": "n" * 121}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "two\nlines"}, "name"),
    ({"slug": "Not A Slug"}, "slug"),
    ({"slug": "s" * 61}, "slug"),
    ({"description": "d" * 5001}, "description"),
    ({"website": "example.org"}, "website"),
    ({"website": "ftp://example.org"}, "website"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": "https://"}, "website"),
    ({"website": "https://bank.example@evil.example"}, "website"),
    ({"website": "https://exa mple.org"}, "website"),
    ({"website": "https://[::1"}, "website"),
    ({"website": "https://example.org/" + "p" * 300}, "website"),
    ({"contactEmail": "not-an-email"}, "contactEmail"),
    ({"contactEmail": "x" * 250 + "@example.org"}, "contactEmail"),
    ({"area": "a" * 121}, "area"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_PROFILE)
async def test_create_refuses_bad_fields_and_writes_nothing(
    gql: Any, alice: Any, overrides: dict[str, str], field: str
) -> None:
    # when
    data = await gql(CREATE, {"input": {"name": "Good", "kind": "CHARITY", **overrides}}, as_=alice)
    # then
    payload = data["createOrganisation"]
    assert payload["organisation"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)]
    assert await Organisation.filter(hub_id=alice.member.hub_id).count() == 0
    assert (
        await AuditEvent.filter(hub_id=alice.member.hub_id)
        .exclude(action="member.register")
        .count()
        == 0
    )


@pytest.mark.parametrize(("overrides", "field"), BAD_PROFILE)
async def test_update_refuses_bad_fields_and_changes_nothing(
    gql: Any, alice: Any, make_org: Any, overrides: dict[str, str], field: str
) -> None:
    # given
    org = await make_org(alice, name="Good")
    # when
    data = await gql(
        UPDATE, {"input": {"organisationId": gid("Organisation", org.id), **overrides}}, as_=alice
    )
    # then
    payload = data["updateOrganisation"]
    assert payload["organisation"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)]
    after = await Organisation.get(id=org.id)
    assert (after.name, after.slug, after.updated_at) == ("Good", "good", org.updated_at)


async def test_every_bad_field_is_reported_at_once(gql: Any, alice: Any) -> None:
    data = await gql(
        CREATE,
        {
            "input": {
                "name": "",
                "kind": "SCHOOL",
                "website": "nope",
                "contactEmail": "nope",
                "area": "a" * 500,
            }
        },
        as_=alice,
    )
    fields = {e["field"] for e in data["createOrganisation"]["errors"]}
    assert fields == {"name", "website", "contactEmail", "area"}


async def test_null_for_a_required_field_is_refused(gql: Any, alice: Any, make_org: Any) -> None:
    org = await make_org(alice)
    org_id = gid("Organisation", org.id)
    for field in ("name", "kind", "slug"):
        data = await gql(UPDATE, {"input": {"organisationId": org_id, field: None}}, as_=alice)
        assert [(e["code"], e["field"]) for e in data["updateOrganisation"]["errors"]] == [
            ("INVALID", field)
        ]


async def test_an_unknown_kind_is_a_graphql_validation_error(gql: Any, alice: Any) -> None:
    body = await gql.raw(CREATE, {"input": {"name": "X", "kind": "CASINO"}}, as_=alice)
    assert body["data"] is None
    assert "CASINO" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("org_id", "member_id", "field", "code"),
    [
        ("unknown org", "alice", "organisationId", "INVALID"),
        (gid("Organisation", 0), "alice", "organisationId", "NOT_FOUND"),
        (gid("Organisation", 10**15), "alice", "organisationId", "NOT_FOUND"),
        ("hub", "alice", "organisationId", "INVALID"),  # a Hub ID as organisationId
        ("org", "hub", "memberId", "INVALID"),  # a Hub ID as memberId
        ("org", "org", "memberId", "INVALID"),  # an Organisation ID as memberId
        ("org", gid("Member", 10**15), "memberId", "NOT_FOUND"),
        ("org", "bm90IGJhc2U2NA", "memberId", "INVALID"),
        ("org", gid("Member", "abc"), "memberId", "INVALID"),  # type: ignore[arg-type]
        ("org", "", "memberId", "INVALID"),
    ],
)
async def test_unknown_and_wrong_type_ids_are_typed_errors(
    gql: Any,
    hub: Any,
    alice: Any,
    make_person: Any,
    make_org: Any,
    org_id: str,
    member_id: str,
    field: str,
    code: str,
) -> None:
    # given
    bob = await make_person(display_name="Bob")
    org = await make_org(alice, staff=[bob])
    ids = {
        "org": gid("Organisation", org.id),
        "hub": gid("Hub", hub.id),
        "alice": alice.gid,
    }
    variables = {
        "organisationId": ids.get(org_id, org_id),
        "memberId": ids.get(member_id, member_id),
    }
    # when
    added = await gql(ADD, {"input": {**variables, "role": "STAFF"}}, as_=alice)
    removed = await gql(REMOVE, {"input": variables}, as_=alice)
    # then
    for payload in (added["addOrganisationMember"], removed["removeOrganisationMember"]):
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert await OrganisationMember.filter(organisation_id=org.id).count() == 2
