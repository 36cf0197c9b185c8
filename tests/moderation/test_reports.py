"""Reporting: every kind of object, the bad inputs (yourself, twice, unknown kinds), and the
tight per-member limit that aliases in one document cannot get around."""

from typing import Any

import pytest

from app.audit.models import AuditEvent
from app.config import get_settings
from app.moderation.models import ModerationCase, Report
from app.organisations.models import Organisation, OrganisationMember, OrganisationRole
from tests.moderation.conftest import codes, gid, report


async def _written(hub_id: int) -> tuple[int, int, int]:
    return (
        await ModerationCase.filter(hub_id=hub_id).count(),
        await Report.filter(hub_id=hub_id).count(),
        await AuditEvent.filter(hub_id=hub_id, action="moderation.report").count(),
    )


async def test_a_member_reports_a_member_an_opportunity_and_an_organisation(
    gql: Any, hub: Any, alice: Any, bob: Any, post: Any
) -> None:
    # given: Bob's opportunity and the organisation he owns
    opportunity = await post(bob)
    org = await Organisation.create(hub_id=hub.id, slug="shop", name="Shop", kind="business")
    await OrganisationMember.create(
        hub_id=hub.id, organisation_id=org.id, member_id=bob.member.id, role=OrganisationRole.OWNER
    )
    targets = [bob.gid, gid("Opportunity", opportunity.id), gid("Organisation", org.id)]
    # when
    results = [await report(gql, alice, t, "SCAM", "He asks for money first") for t in targets]
    # then: one case each, answered for by Bob, with Alice's report
    assert [r["errors"] for r in results] == [[], [], []]
    assert [r["report"]["reason"] for r in results] == ["SCAM"] * 3
    cases = await ModerationCase.filter(hub_id=hub.id).order_by("id")
    assert [(c.target.value, c.member_id, c.report_count, c.severity) for c in cases] == [
        ("member", bob.member.id, 1, 3),
        ("opportunity", bob.member.id, 1, 3),
        ("organisation", bob.member.id, 1, 3),
    ]
    assert await _written(hub.id) == (3, 3, 3)


async def test_reporting_yourself_or_your_own_is_refused_and_writes_nothing(
    gql: Any, hub: Any, bob: Any, post: Any
) -> None:
    # given
    opportunity = await post(bob)
    for target in (bob.gid, gid("Opportunity", opportunity.id)):
        # when
        result = await report(gql, bob, target)
        # then
        assert codes(result) == [("OWN_CONTENT", "id")]
    assert await _written(hub.id) == (0, 0, 0)


async def test_reporting_twice_while_the_report_waits_is_refused(
    gql: Any, hub: Any, alice: Any, bob: Any
) -> None:
    # given
    first = await report(gql, alice, bob.gid, "HARASSMENT")
    # when
    again = await report(gql, alice, bob.gid, "HATE", "and again")
    # then
    assert first["errors"] == []
    assert codes(again) == [("ALREADY_REPORTED", "id")]
    assert await _written(hub.id) == (1, 1, 1)
    case = await ModerationCase.get(hub_id=hub.id)
    assert (case.report_count, case.severity) == (1, 4)


@pytest.mark.parametrize(
    ("object_gid", "code"),
    [
        ("bm90IGFuIGlk", "INVALID"),  # not a global ID
        (gid("Skill", 1), "INVALID"),  # a kind that cannot be reported
        (gid("Opportunity", 987654321), "NOT_FOUND"),
    ],
)
async def test_bad_report_input_is_typed(
    gql: Any, hub: Any, alice: Any, object_gid: str, code: str
) -> None:
    # when
    result = await report(gql, alice, object_gid)
    # then
    assert codes(result) == [(code, "id")]
    assert await _written(hub.id) == (0, 0, 0)


async def test_an_object_in_another_hub_is_not_found(gql: Any, alice: Any, other_hub: Any) -> None:
    from tests.helpers import create_person

    # given
    zed = await create_person(hub=other_hub, display_name="Zed")
    # when
    result = await report(gql, alice, zed.gid)
    # then
    assert codes(result) == [("NOT_FOUND", "id")]


async def test_reports_are_rate_limited_per_member_even_as_aliases_in_one_document(
    gql: Any, hub: Any, alice: Any, make_person: Any, monkeypatch: Any
) -> None:
    # given: the real limit (the suite scales limits up), and twelve members to report
    monkeypatch.setattr(get_settings(), "limits_scale", 1.0)
    others = [await make_person(display_name=f"M{i}") for i in range(12)]
    aliases = "\n".join(
        f'r{i}: reportObject(input: {{id: "{p.gid}", reason: SPAM}}) {{ errors {{ code }} }}'
        for i, p in enumerate(others)
    )
    # when: one document with twelve aliased reports
    data = await gql(f"mutation {{ {aliases} }}", as_=alice)
    # then: ten go through, the rest are refused as RATE_LIMITED, and wrote nothing
    outcomes = [data[f"r{i}"]["errors"] for i in range(12)]
    assert outcomes[:10] == [[]] * 10
    assert outcomes[10:] == [[{"code": "RATE_LIMITED"}]] * 2
    assert await _written(hub.id) == (10, 10, 10)


async def test_anonymous_callers_cannot_report(gql: Any, hub: Any, bob: Any) -> None:
    # when
    from tests.moderation.conftest import REPORT

    body = await gql.raw(
        REPORT, {"input": {"id": bob.gid, "reason": "SPAM"}}, headers={"CH-Hub": hub.slug}
    )
    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await _written(hub.id) == (0, 0, 0)
