"""Members and roles: add, change, remove, leave; owners, admins, staff; the last owner stays."""

import asyncio
from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.errors import DomainError
from app.organisations import service
from app.organisations.models import OrganisationMember, OrganisationRole
from tests.organisations.conftest import actor_of, gid

ADD = """
mutation Add($input: AddOrganisationMemberInput!) {
  addOrganisationMember(input: $input) {
    membership { role joinedAt member { id displayName } organisation { slug } }
    errors { code field message }
  }
}"""
CHANGE = """
mutation Change($input: ChangeOrganisationMemberRoleInput!) {
  changeOrganisationMemberRole(input: $input) {
    membership { role member { id } }
    errors { code field message }
  }
}"""
REMOVE = """
mutation Remove($input: RemoveOrganisationMemberInput!) {
  removeOrganisationMember(input: $input) {
    organisation { id }
    errors { code field message }
  }
}"""


def _input(org: Any, person: Any, role: str | None = None) -> dict[str, Any]:
    values = {"organisationId": gid("Organisation", org.id), "memberId": person.gid}
    if role is not None:
        values["role"] = role
    return {"input": values}


async def _roles(org: Any) -> dict[int, str]:
    rows = await OrganisationMember.filter(organisation_id=org.id).values_list("member_id", "role")
    return {member_id: str(role) for member_id, role in rows}


@pytest.fixture
async def people(make_person: Any, alice: Any) -> dict[str, Any]:
    names = ("admin", "staff", "newcomer")
    made = {name: await make_person(display_name=name.title()) for name in names}
    return {"owner": alice, **made}


@pytest.fixture
async def org(make_org: Any, people: dict[str, Any]) -> Any:
    return await make_org(people["owner"], admins=[people["admin"]], staff=[people["staff"]])


# --- add ------------------------------------------------------------------------------------


async def test_an_owner_adds_staff_and_the_membership_comes_back(
    gql: Any, people: dict[str, Any], org: Any
) -> None:
    # when
    data = await gql(ADD, _input(org, people["newcomer"], "STAFF"), as_=people["owner"])
    # then
    payload = data["addOrganisationMember"]
    assert payload["errors"] == []
    assert payload["membership"]["role"] == "STAFF"
    assert payload["membership"]["member"] == {
        "id": people["newcomer"].gid,
        "displayName": "Newcomer",
    }
    assert payload["membership"]["organisation"] == {"slug": "food-bank"}
    assert (await _roles(org))[people["newcomer"].member.id] == "staff"
    assert await AuditEvent.filter(action="organisation.member_add", object_id=org.id).exists()


@pytest.mark.parametrize(
    ("actor", "role", "code"),
    [
        ("owner", "OWNER", None),
        ("owner", "ADMIN", None),
        ("admin", "ADMIN", None),
        ("admin", "STAFF", None),
        ("admin", "OWNER", "FORBIDDEN"),
        ("staff", "STAFF", "FORBIDDEN"),
        ("newcomer", "STAFF", "FORBIDDEN"),
    ],
)
async def test_who_may_add_whom(
    gql: Any,
    make_person: Any,
    people: dict[str, Any],
    org: Any,
    actor: str,
    role: str,
    code: str | None,
) -> None:
    # given
    target = await make_person(display_name="Target")
    # when
    data = await gql(ADD, _input(org, target, role), as_=people[actor])
    # then
    errors = data["addOrganisationMember"]["errors"]
    if code is None:
        assert errors == []
        assert (await _roles(org))[target.member.id] == role.lower()
    else:
        assert [e["code"] for e in errors] == [code]
        assert target.member.id not in await _roles(org)


async def test_adding_someone_twice_is_refused(gql: Any, people: dict[str, Any], org: Any) -> None:
    data = await gql(ADD, _input(org, people["staff"], "ADMIN"), as_=people["owner"])
    assert data["addOrganisationMember"]["errors"][0]["code"] == "ALREADY_MEMBER"
    assert (await _roles(org))[people["staff"].member.id] == "staff"


async def test_a_suspended_member_cannot_be_added(
    gql: Any, people: dict[str, Any], org: Any
) -> None:
    from app.people.models import Member, MemberStatus

    await Member.filter(id=people["newcomer"].member.id).update(status=MemberStatus.SUSPENDED)
    data = await gql(ADD, _input(org, people["newcomer"], "STAFF"), as_=people["owner"])
    assert data["addOrganisationMember"]["errors"][0] == {
        "code": "INVALID",
        "field": "memberId",
        "message": "This member's account is suspended.",
    }


# --- change ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "target", "role", "code"),
    [
        ("owner", "staff", "ADMIN", None),
        ("owner", "admin", "OWNER", None),
        ("admin", "staff", "ADMIN", None),
        ("admin", "admin", "STAFF", None),  # an admin may step down
        ("admin", "staff", "OWNER", "FORBIDDEN"),
        ("admin", "owner", "STAFF", "FORBIDDEN"),
        ("staff", "staff", "ADMIN", "FORBIDDEN"),
        ("newcomer", "staff", "ADMIN", "FORBIDDEN"),
        ("owner", "newcomer", "ADMIN", "NOT_FOUND"),
        ("owner", "owner", "ADMIN", "LAST_OWNER"),
    ],
)
async def test_who_may_change_which_role(
    gql: Any,
    people: dict[str, Any],
    org: Any,
    actor: str,
    target: str,
    role: str,
    code: str | None,
) -> None:
    # given
    before = await _roles(org)
    # when
    data = await gql(CHANGE, _input(org, people[target], role), as_=people[actor])
    # then
    payload = data["changeOrganisationMemberRole"]
    if code is None:
        assert payload["errors"] == []
        assert payload["membership"]["role"] == role
        assert (await _roles(org))[people[target].member.id] == role.lower()
    else:
        assert [e["code"] for e in payload["errors"]] == [code]
        assert payload["membership"] is None
        assert await _roles(org) == before


async def test_an_owner_may_step_down_once_there_is_another(
    gql: Any, people: dict[str, Any], org: Any
) -> None:
    # given
    owner, admin = people["owner"], people["admin"]
    await gql(CHANGE, _input(org, admin, "OWNER"), as_=owner)
    # when
    data = await gql(CHANGE, _input(org, owner, "STAFF"), as_=owner)
    # then
    assert data["changeOrganisationMemberRole"]["errors"] == []
    # and: now the former admin is the last owner
    last = await gql(CHANGE, _input(org, admin, "ADMIN"), as_=admin)
    assert last["changeOrganisationMemberRole"]["errors"][0]["code"] == "LAST_OWNER"


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(
    people: dict[str, Any], org: Any
) -> None:
    # given: two owners
    owner, admin = people["owner"], people["admin"]
    owner_actor, admin_actor = await actor_of(owner), await actor_of(admin)
    await service.change_member_role(
        actor=owner_actor, organisation_id=org.id, member_id=admin.member.id, role="owner"
    )
    # when: each demotes the other concurrently
    results = await asyncio.gather(
        service.change_member_role(
            actor=owner_actor, organisation_id=org.id, member_id=admin.member.id, role="staff"
        ),
        service.change_member_role(
            actor=admin_actor, organisation_id=org.id, member_id=owner.member.id, role="staff"
        ),
        return_exceptions=True,
    )
    # then: the organisation lock serialised them; one was refused
    codes = sorted(str(r.code) if isinstance(r, DomainError) else "ok" for r in results)
    assert codes in (["forbidden", "ok"], ["last_owner", "ok"])
    owners = [r for r in (await _roles(org)).values() if r == "owner"]
    assert owners == ["owner"]


# --- remove and leave -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "target", "code"),
    [
        ("owner", "admin", None),
        ("owner", "staff", None),
        ("admin", "staff", None),
        ("admin", "admin", None),  # leaving
        ("staff", "staff", None),  # leaving
        ("admin", "owner", "FORBIDDEN"),
        ("staff", "admin", "FORBIDDEN"),
        ("newcomer", "staff", "FORBIDDEN"),
        ("newcomer", "newcomer", "NOT_FOUND"),
        ("owner", "newcomer", "NOT_FOUND"),
        ("owner", "owner", "LAST_OWNER"),
    ],
)
async def test_who_may_remove_whom(
    gql: Any,
    people: dict[str, Any],
    org: Any,
    actor: str,
    target: str,
    code: str | None,
) -> None:
    # given
    before = await _roles(org)
    # when
    data = await gql(REMOVE, _input(org, people[target]), as_=people[actor])
    # then
    payload = data["removeOrganisationMember"]
    if code is None:
        assert payload == {"organisation": {"id": gid("Organisation", org.id)}, "errors": []}
        assert people[target].member.id not in await _roles(org)
        assert await AuditEvent.filter(
            action="organisation.member_remove", object_id=org.id
        ).exists()
    else:
        assert [e["code"] for e in payload["errors"]] == [code]
        assert await _roles(org) == before


async def test_an_owner_removes_another_owner_and_may_then_leave_no_more(
    gql: Any, people: dict[str, Any], org: Any
) -> None:
    # given
    owner, admin = people["owner"], people["admin"]
    await gql(CHANGE, _input(org, admin, "OWNER"), as_=owner)
    # when
    removed = await gql(REMOVE, _input(org, owner), as_=admin)
    left = await gql(REMOVE, _input(org, admin), as_=admin)
    # then
    assert removed["removeOrganisationMember"]["errors"] == []
    assert left["removeOrganisationMember"]["errors"][0] == {
        "code": "LAST_OWNER",
        "field": "memberId",
        "message": "The last owner cannot be removed: make someone else an owner first.",
    }
    assert await _roles(org) == {
        admin.member.id: OrganisationRole.OWNER.value,
        people["staff"].member.id: "staff",
    }
