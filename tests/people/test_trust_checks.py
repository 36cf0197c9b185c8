"""Trust checks: members submit them, moderators verify or reject them, never their own."""

from datetime import date, timedelta
from typing import Any

from app.audit.models import AuditEvent
from app.people.models import CheckKind, CheckStatus, Role, TrustCheck
from app.people.service import review_check, submit_check, valid_checks
from tests.people.conftest import actor_of, gid, snapshot

SUBMIT = """
mutation Submit($input: SubmitTrustCheckInput!) {
  submitTrustCheck(input: $input) {
    trustCheck { id kind reference expiresOn status reviewedAt reviewNote member { id } }
    errors { code field message }
  }
}"""
REVIEW = """
mutation Review($input: ReviewTrustCheckInput!) {
  reviewTrustCheck(input: $input) {
    trustCheck { id status reviewedAt reviewNote }
    errors { code field message }
  }
}"""
PENDING = """
query Pending($first: Int) {
  pendingTrustChecks(first: $first) { edges { node { id kind status member { displayName } } } }
}"""
NODE = """
query Node($id: ID!) { node(id: $id) { ... on TrustCheck { id kind reference status } } }"""
MEMBER_CHECKS = """
query MemberChecks($id: ID!) { node(id: $id) { ... on Member { trustChecks { kind status } } } }"""

IN_A_YEAR = (date.today() + timedelta(days=365)).isoformat()


async def _submit(gql: Any, person: Any, kind: str = "DBS_ENHANCED", **extra: Any) -> str:
    variables = {"input": {"kind": kind, "reference": "001234567890", **extra}}
    data = await gql(SUBMIT, variables, as_=person)
    assert data["submitTrustCheck"]["errors"] == []
    return data["submitTrustCheck"]["trustCheck"]["id"]  # type: ignore[no-any-return]


async def test_a_member_submits_a_check_pending_review(gql: Any, alice: Any) -> None:
    # when
    data = await gql(
        SUBMIT,
        {"input": {"kind": "DBS_ENHANCED", "reference": " 001234567890 ", "expiresOn": IN_A_YEAR}},
        as_=alice,
    )
    # then
    payload = data["submitTrustCheck"]
    assert payload["errors"] == []
    row = await TrustCheck.get(member_id=alice.member.id)
    assert payload["trustCheck"] == {
        "id": gid("TrustCheck", row.id),
        "kind": "DBS_ENHANCED",
        "reference": "001234567890",
        "expiresOn": IN_A_YEAR,
        "status": "PENDING",
        "reviewedAt": None,
        "reviewNote": "",
        "member": {"id": alice.gid},
    }
    # and: a check without expiry is fine too
    assert await _submit(gql, alice, "FIRST_AID")
    # and: the submission is audited
    assert await AuditEvent.exists(action="check.submit", actor_id=alice.member.id)


async def test_one_pending_check_of_a_kind_at_a_time(gql: Any, alice: Any, moderator: Any) -> None:
    # given
    first = await _submit(gql, alice, "DBS_BASIC")
    # when: the same kind again while the first awaits review
    data = await gql(SUBMIT, {"input": {"kind": "DBS_BASIC", "reference": "R-2"}}, as_=alice)
    # then
    assert [(e["code"], e["field"]) for e in data["submitTrustCheck"]["errors"]] == [
        ("DUPLICATE", "kind")
    ]
    # when: once it is reviewed, a renewal can be submitted
    await gql(REVIEW, {"input": {"checkId": first, "approve": True}}, as_=moderator)
    # then
    assert await _submit(gql, alice, "DBS_BASIC")
    assert await TrustCheck.filter(member_id=alice.member.id).count() == 2


async def test_a_check_that_expired_while_pending_can_only_be_rejected(
    gql: Any, alice: Any, moderator: Any
) -> None:
    # given: a check that expired after it was submitted
    check_id = await _submit(gql, alice, expiresOn=IN_A_YEAR)
    await TrustCheck.filter(member_id=alice.member.id).update(
        expires_on=date.today() - timedelta(days=1)
    )
    # when
    approved = await gql(REVIEW, {"input": {"checkId": check_id, "approve": True}}, as_=moderator)
    rejected = await gql(REVIEW, {"input": {"checkId": check_id, "approve": False}}, as_=moderator)
    # then
    assert [(e["code"], e["field"]) for e in approved["reviewTrustCheck"]["errors"]] == [
        ("INVALID", "approve")
    ]
    assert rejected["reviewTrustCheck"]["trustCheck"]["status"] == "REJECTED"


async def test_a_check_must_expire_in_the_future_if_it_expires(gql: Any, alice: Any) -> None:
    # given
    today = date.today()
    cases = [
        ({"expiresOn": (today - timedelta(days=1)).isoformat()}, "expiresOn"),
        ({"expiresOn": today.isoformat()}, "expiresOn"),
        ({"reference": ""}, "reference"),
        ({"reference": "x" * 65}, "reference"),
    ]
    for changes, field in cases:
        # when
        variables = {"input": {"kind": "DBS_BASIC", "reference": "R-1", **changes}}
        data = await gql(SUBMIT, variables, as_=alice)
        # then
        payload = data["submitTrustCheck"]
        assert payload["trustCheck"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)]
    assert not await TrustCheck.exists(member_id=alice.member.id)


async def test_a_moderator_verifies_or_rejects_a_check(
    gql: Any, alice: Any, bob: Any, moderator: Any
) -> None:
    # given
    dbs = await _submit(gql, alice, expiresOn=IN_A_YEAR)
    first_aid = await _submit(gql, bob, "FIRST_AID")
    # when
    approved = await gql(
        REVIEW,
        {"input": {"checkId": dbs, "approve": True, "note": "Seen the certificate."}},
        as_=moderator,
    )
    rejected = await gql(
        REVIEW,
        {"input": {"checkId": first_aid, "approve": False, "note": "Expired."}},
        as_=moderator,
    )
    # then
    ok = approved["reviewTrustCheck"]
    assert ok["errors"] == []
    assert (ok["trustCheck"]["status"], ok["trustCheck"]["reviewNote"]) == (
        "VERIFIED",
        "Seen the certificate.",
    )
    assert ok["trustCheck"]["reviewedAt"]
    assert rejected["reviewTrustCheck"]["trustCheck"]["status"] == "REJECTED"
    row = await TrustCheck.get(member_id=alice.member.id)
    assert (row.status, row.reviewed_by_id) == (CheckStatus.VERIFIED, moderator.member.id)
    assert await AuditEvent.filter(action="check.review", actor_id=moderator.member.id).count() == 2
    # and: only the verified one counts
    assert await valid_checks(member_id=alice.member.id, hub_id=alice.member.hub_id) == {
        CheckKind.DBS_ENHANCED
    }
    assert await valid_checks(member_id=bob.member.id, hub_id=bob.member.hub_id) == set()


async def test_a_check_is_reviewed_once_by_a_moderator_who_does_not_hold_it(
    gql: Any, alice: Any, moderator: Any, admin: Any, make_person: Any
) -> None:
    # given
    check_id = await _submit(gql, alice)
    own_id = await _submit(gql, moderator, "FIRST_AID")
    # when: a plain member, or a hub admin who is not a moderator, reviews
    by_member = await gql(REVIEW, {"input": {"checkId": check_id, "approve": True}}, as_=alice)
    by_admin = await gql(REVIEW, {"input": {"checkId": check_id, "approve": True}}, as_=admin)
    assert [e["code"] for e in by_admin["reviewTrustCheck"]["errors"]] == ["FORBIDDEN"]
    # when: a moderator reviews their own
    own = await gql(REVIEW, {"input": {"checkId": own_id, "approve": True}}, as_=moderator)
    # then
    assert [e["code"] for e in by_member["reviewTrustCheck"]["errors"]] == ["FORBIDDEN"]
    assert [(e["code"], e["field"]) for e in own["reviewTrustCheck"]["errors"]] == [
        ("OWN_CHECK", "checkId")
    ]
    assert (await TrustCheck.get(member_id=moderator.member.id)).status == CheckStatus.PENDING
    # when: reviewed, then reviewed again by another moderator
    await gql(REVIEW, {"input": {"checkId": check_id, "approve": True}}, as_=moderator)
    second = await make_person(display_name="Second moderator", roles=[Role.MODERATOR])
    again = await gql(REVIEW, {"input": {"checkId": check_id, "approve": False}}, as_=second)
    # then
    assert [(e["code"], e["field"]) for e in again["reviewTrustCheck"]["errors"]] == [
        ("ALREADY_REVIEWED", "checkId")
    ]
    assert (await TrustCheck.get(member_id=alice.member.id)).status == CheckStatus.VERIFIED
    # when: an unknown or wrong-type id
    for bad, code in ((gid("TrustCheck", 10**9), "NOT_FOUND"), (alice.gid, "INVALID")):
        data = await gql(REVIEW, {"input": {"checkId": bad, "approve": True}}, as_=moderator)
        assert [(e["code"], e["field"]) for e in data["reviewTrustCheck"]["errors"]] == [
            (code, "checkId")
        ]


async def test_moderators_see_the_queue_of_pending_checks(
    gql: Any, alice: Any, bob: Any, moderator: Any, admin: Any
) -> None:
    # given: two pending checks and a reviewed one
    first = await _submit(gql, alice, "DBS_BASIC")
    second = await _submit(gql, bob, "FOOD_HYGIENE")
    reviewed = await _submit(gql, bob, "IDENTITY")
    await gql(REVIEW, {"input": {"checkId": reviewed, "approve": True}}, as_=moderator)
    # when
    edges = (await gql(PENDING, {"first": 10}, as_=moderator))["pendingTrustChecks"]["edges"]
    # then: oldest first, pending only
    assert [e["node"] for e in edges] == [
        {
            "id": first,
            "kind": "DBS_BASIC",
            "status": "PENDING",
            "member": {"displayName": "Alice"},
        },
        {
            "id": second,
            "kind": "FOOD_HYGIENE",
            "status": "PENDING",
            "member": {"displayName": "Bob"},
        },
    ]
    # when: a hub admin who is not a moderator asks
    body = await gql.raw(PENDING, {"first": 10}, as_=admin)
    # then: checks are for moderators only
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_queue_is_not_for_plain_members_or_strangers(
    gql: Any, hub: Any, alice: Any
) -> None:
    # when
    as_member = await gql.raw(PENDING, {"first": 10}, as_=alice)
    anonymous = await gql.raw(PENDING, {"first": 10}, headers={"CH-Hub": hub.slug})
    # then
    assert as_member["data"] is None
    assert as_member["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_check_is_visible_to_its_member_and_moderators_only(
    gql: Any, hub: Any, alice: Any, bob: Any, moderator: Any, admin: Any
) -> None:
    # given
    check_id = await _submit(gql, alice)
    # when / then: its member and moderators see it
    for viewer in (alice, moderator):
        node = (await gql(NODE, {"id": check_id}, as_=viewer))["node"]
        assert node == {
            "id": check_id,
            "kind": "DBS_ENHANCED",
            "reference": "001234567890",
            "status": "PENDING",
        }
        checks = (await gql(MEMBER_CHECKS, {"id": alice.gid}, as_=viewer))["node"]["trustChecks"]
        assert checks == [{"kind": "DBS_ENHANCED", "status": "PENDING"}]
    # when / then: another member, a hub admin (not a moderator), or anyone anonymous, does not
    for viewer in (bob, admin):
        assert (await gql(NODE, {"id": check_id}, as_=viewer))["node"] is None
        assert (await gql(MEMBER_CHECKS, {"id": alice.gid}, as_=viewer))["node"][
            "trustChecks"
        ] is None
    assert (await gql(NODE, {"id": check_id}, headers={"CH-Hub": hub.slug}))["node"] is None


async def test_valid_checks_are_verified_and_in_date(alice: Any, moderator: Any) -> None:
    # given: one of each state, through the service
    actor = await actor_of(alice)
    reviewer = await actor_of(moderator)
    soon = date.today() + timedelta(days=30)
    verified = await submit_check(
        actor=actor, kind=CheckKind.DBS_ENHANCED, reference="A", expires_on=soon
    )
    expired = await submit_check(
        actor=actor, kind=CheckKind.DRIVING_LICENCE, reference="B", expires_on=soon
    )
    rejected = await submit_check(actor=actor, kind=CheckKind.FIRST_AID, reference="C")
    await submit_check(actor=actor, kind=CheckKind.IDENTITY, reference="D")  # stays pending
    no_expiry = await submit_check(actor=actor, kind=CheckKind.FOOD_HYGIENE, reference="E")
    for check, approve in ((verified, True), (expired, True), (rejected, False), (no_expiry, True)):
        await review_check(actor=reviewer, check_id=check.id, approve=approve)
    await TrustCheck.filter(id=expired.id).update(expires_on=date.today() - timedelta(days=1))
    # when
    held = await valid_checks(member_id=alice.member.id, hub_id=alice.member.hub_id)
    # then
    assert held == {CheckKind.DBS_ENHANCED, CheckKind.FOOD_HYGIENE}
    # and: a check expiring today still counts today
    await TrustCheck.filter(id=verified.id).update(expires_on=date.today())
    assert CheckKind.DBS_ENHANCED in await valid_checks(
        member_id=alice.member.id, hub_id=alice.member.hub_id
    )


async def test_a_refused_review_writes_nothing(
    gql: Any, hub: Any, alice: Any, moderator: Any
) -> None:
    # given
    check_id = await _submit(gql, alice)
    before = await snapshot(hub.id)
    # when
    await gql(REVIEW, {"input": {"checkId": check_id, "approve": True}}, as_=alice)
    await gql(
        REVIEW, {"input": {"checkId": check_id, "approve": True, "note": "x" * 501}}, as_=moderator
    )
    # then
    assert await snapshot(hub.id) == before
