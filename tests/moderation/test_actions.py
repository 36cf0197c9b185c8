"""Moderators' actions: hide, warn, resolve with a note (reporters told the outcome), one appeal
to a hub admin who upholds or overturns; every action audited; protected members."""

from typing import Any

from app.audit.models import AuditEvent
from app.moderation.models import HiddenObject, ModerationAction, ModerationCase
from app.people.models import Role
from tests.moderation.conftest import (
    APPEAL,
    DECIDE,
    HIDE,
    NOTIFICATIONS,
    OPPORTUNITY,
    RESOLVE,
    SUSPEND,
    WARN,
    codes,
    gid,
    refusal,
    report,
)


async def _case_of(hub: Any) -> str:
    case = await ModerationCase.get(hub_id=hub.id)
    return gid("ModerationCase", case.id)


async def _kinds(person: Any, gql: Any) -> list[tuple[str, str]]:
    data = await gql(NOTIFICATIONS, as_=person)
    return [(e["node"]["kind"], e["node"]["title"]) for e in data["notifications"]["edges"]]


async def test_a_moderator_hides_a_reported_opportunity_and_resolves_the_case(
    gql: Any, hub: Any, alice: Any, bob: Any, moderator: Any, post: Any
) -> None:
    # given: Alice reported Bob's opportunity
    opportunity = await post(bob, title="Sofa for sale, cash only")
    opportunity_gid = gid("Opportunity", opportunity.id)
    await report(gql, alice, opportunity_gid, "PROMOTION", "An advert")
    case_gid = await _case_of(hub)
    # when: hidden
    hidden = await gql(
        HIDE, {"input": {"caseId": case_gid, "reason": "Adverts are not allowed."}}, as_=moderator
    )
    # then: Alice no longer sees it (twice: the second answer is the compiled one); Bob and the
    # moderator do
    assert hidden["hideReportedObject"]["errors"] == []
    for _ in range(2):
        body = await gql.raw(OPPORTUNITY, {"id": opportunity_gid}, as_=alice)
        assert body["data"]["node"] is None
    for person in (bob, moderator):
        seen = await gql(OPPORTUNITY, {"id": opportunity_gid}, as_=person)
        assert seen["node"]["id"] == opportunity_gid
    # and: Bob is told why
    assert ("MODERATION_ACTION", "Something you posted was hidden by a moderator") in await _kinds(
        bob, gql
    )
    # when: resolved with a note
    resolved = await gql(
        RESOLVE, {"input": {"caseId": case_gid, "note": "Hidden: an advert."}}, as_=moderator
    )
    again = await gql(RESOLVE, {"input": {"caseId": case_gid, "note": "x"}}, as_=moderator)
    # then: Alice hears the outcome; a second resolution is refused
    assert resolved["resolveModerationCase"]["case"]["status"] == "RESOLVED"
    assert codes(again["resolveModerationCase"]) == [("ALREADY_RESOLVED", "caseId")]
    assert ("REPORT_OUTCOME", "About your report") in await _kinds(alice, gql)
    actions = await AuditEvent.filter(hub_id=hub.id, action__startswith="moderation.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["moderation.hide", "moderation.report", "moderation.resolve"]


async def test_one_appeal_and_a_hub_admin_overturns_the_hiding(
    gql: Any, hub: Any, alice: Any, bob: Any, moderator: Any, admin: Any, post: Any
) -> None:
    # given: Bob's opportunity was hidden
    opportunity = await post(bob)
    opportunity_gid = gid("Opportunity", opportunity.id)
    await report(gql, alice, opportunity_gid)
    hidden = await gql(
        HIDE, {"input": {"caseId": await _case_of(hub), "reason": "Spam."}}, as_=moderator
    )
    action_id = hidden["hideReportedObject"]["action"]["id"]
    # when: Bob appeals, twice; Alice tries to appeal Bob's action
    first = await gql(APPEAL, {"input": {"actionId": action_id, "note": "Not spam."}}, as_=bob)
    twice = await gql(APPEAL, {"input": {"actionId": action_id, "note": "Really."}}, as_=bob)
    other = await gql.raw(APPEAL, {"input": {"actionId": action_id, "note": "x"}}, as_=alice)
    # then
    assert first["appealModerationAction"]["action"]["appealStatus"] == "PENDING"
    assert codes(twice["appealModerationAction"]) == [("ALREADY_APPEALED", "actionId")]
    assert other["data"]["appealModerationAction"]["errors"][0]["code"] == "NOT_FOUND"
    # when: a moderator may not decide; the hub admin overturns
    refused = await gql.raw(
        DECIDE, {"input": {"actionId": action_id, "overturn": True, "note": "x"}}, as_=moderator
    )
    decided = await gql(
        DECIDE,
        {"input": {"actionId": action_id, "overturn": True, "note": "It was not spam."}},
        as_=admin,
    )
    twice_decided = await gql(
        DECIDE, {"input": {"actionId": action_id, "overturn": False, "note": "x"}}, as_=admin
    )
    # then: visible again, Bob told, the decision audited
    assert refusal(refused, "decideAppeal") == "FORBIDDEN"
    assert decided["decideAppeal"]["action"]["appealStatus"] == "OVERTURNED"
    assert codes(twice_decided["decideAppeal"]) == [("ALREADY_DECIDED", "actionId")]
    assert not await HiddenObject.exists(hub_id=hub.id)
    seen = await gql(OPPORTUNITY, {"id": opportunity_gid}, as_=alice)
    assert seen["node"]["id"] == opportunity_gid
    assert ("APPEAL_DECIDED", "Your appeal was successful") in await _kinds(bob, gql)
    assert await AuditEvent.exists(hub_id=hub.id, action="moderation.appeal_overturn")


async def test_a_warning_is_told_with_its_reason_and_audited(
    gql: Any, hub: Any, bob: Any, moderator: Any
) -> None:
    # when
    data = await gql(
        WARN, {"input": {"memberId": bob.gid, "reason": "Be kind in reviews."}}, as_=moderator
    )
    # then
    assert data["warnMember"]["action"]["kind"] == "WARN"
    notes = await gql(NOTIFICATIONS, as_=bob)
    [note] = [e["node"] for e in notes["notifications"]["edges"]]
    assert note["kind"] == "MODERATION_ACTION"
    assert note["reason"].startswith("Be kind in reviews.")
    assert await AuditEvent.exists(
        hub_id=hub.id, action="moderation.warn", actor_id=moderator.member.id
    )


async def test_a_moderator_cannot_act_on_a_hub_admin_a_moderator_or_themself(
    gql: Any, hub: Any, moderator: Any, make_person: Any
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    other_moderator = await make_person(roles=[Role.MODERATOR])
    for target in (admin, other_moderator, moderator):
        for document, name in ((SUSPEND, "suspendMember"), (WARN, "warnMember")):
            # when
            data = await gql(
                document, {"input": {"memberId": target.gid, "reason": "No."}}, as_=moderator
            )
            # then
            assert codes(data[name]) == [("PROTECTED_MEMBER", "memberId")]
    assert not await ModerationAction.exists(hub_id=hub.id)
    assert not await AuditEvent.filter(hub_id=hub.id, action__startswith="moderation.").exists()


async def test_members_cannot_moderate(gql: Any, alice: Any, bob: Any) -> None:
    # when
    body = await gql.raw(SUSPEND, {"input": {"memberId": bob.gid, "reason": "x"}}, as_=alice)
    # then
    assert refusal(body, "suspendMember") == "FORBIDDEN"
