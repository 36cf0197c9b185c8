"""Suspension's effects on every module, and reinstatement restoring what can be restored."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.assets.models import Asset, AssetStatus
from app.audit.models import AuditEvent
from app.moderation import expiry
from app.moderation.models import HiddenObject, Suspension
from app.opportunities import applications
from app.opportunities.models import Application, ApplicationStatus, Opportunity
from app.people.models import Member, MemberStatus, ProxyLink, Role
from app.portfolios.models import Review
from tests.helpers import refused_act_for
from tests.moderation.conftest import (
    APPEAL,
    DECIDE,
    OPPORTUNITY,
    REINSTATE,
    SUSPEND,
    actor_of,
    codes,
    gid,
)

PROFILE = "query($id: ID!) { node(id: $id) { ... on Member { id displayName bio } } }"
REVIEW = "query($id: ID!) { node(id: $id) { ... on Review { id comment } } }"
VIEWER = "query { viewer { id } }"


async def _world(hub: Any, bob: Any, alice: Any, post: Any) -> dict[str, Any]:
    """Bob: a bio, a published opportunity, a listed asset, a pending application to Alice's
    opportunity and a review he wrote of Alice."""
    await Member.filter(id=bob.member.id).update(bio="I fix bikes.")
    mine = await post(bob, title="Bike repair clinic")
    hers = await post(alice, title="Help moving a sofa")
    application = await applications.apply(actor=actor_of(bob), opportunity_id=hers.id)
    done = await post(alice, title="Lunch club")
    place = await Application.create(
        hub_id=hub.id, opportunity_id=done.id, applicant_id=alice.member.id, status="accepted"
    )
    review = await Review.create(
        hub_id=hub.id, application_id=place.id, author_id=bob.member.id,
        subject_id=alice.member.id, rating=2, comment="Late",
    )  # fmt: skip
    from app.assets.models import AssetCategory

    category = await AssetCategory.filter(hub_id=hub.id).first() or await AssetCategory.create(
        hub_id=hub.id, slug="moderation-tools", name="Tools"
    )
    asset = await Asset.create(
        hub_id=hub.id, kind="loan", status=AssetStatus.LISTED, owner_kind="member",
        owner_member_id=bob.member.id, listed_by_id=bob.member.id, title="Drill",
        category_id=category.id, lat=53.48, lng=-2.24, cell8="88195da4c3fffff",
    )  # fmt: skip
    return {"mine": mine, "application": application, "review": review, "asset": asset}


async def test_a_suspension_reaches_every_module_and_reinstatement_restores(
    gql: Any, hub: Any, alice: Any, bob: Any, moderator: Any, post: Any, make_person: Any
) -> None:
    # given
    w = await _world(hub, bob, alice, post)
    coordinator = await make_person(roles=[Role.COORDINATOR])
    await ProxyLink.create(
        hub_id=hub.id, coordinator_id=coordinator.member.id, member_id=bob.member.id
    )
    assert (await gql(VIEWER, as_=bob))["viewer"] == {"id": bob.gid}
    # when: suspended for a week
    until = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    data = await gql(
        SUSPEND,
        {"input": {"memberId": bob.gid, "reason": "Repeated harassment.", "endsAt": until}},
        as_=moderator,
    )
    # then: the action, and Bob's session stops working at once
    action = data["suspendMember"]["action"]
    assert (action["kind"], action["member"]) == ("SUSPEND", {"id": bob.gid})
    body = await gql.raw(VIEWER, as_=bob)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # and: nobody acts for him
    await refused_act_for(gql, VIEWER, None, as_=coordinator, act_for=bob.gid)
    # and: his open application is withdrawn, his listings paused
    assert (await Application.get(id=w["application"].id)).status == ApplicationStatus.WITHDRAWN
    assert (await Opportunity.get(id=w["mine"].id)).status == "closed"
    assert (await Asset.get(id=w["asset"].id)).status == AssetStatus.WITHDRAWN
    # and: his public content is hidden from Alice, his bio masked
    for _ in range(2):  # the interpreter, then the compiled read
        opportunity = await gql.raw(
            OPPORTUNITY, {"id": gid("Opportunity", w["mine"].id)}, as_=alice
        )
        assert opportunity["data"]["node"] is None
        review = await gql.raw(REVIEW, {"id": gid("Review", w["review"].id)}, as_=alice)
        assert review["data"]["node"] is None
        profile = await gql(PROFILE, {"id": bob.gid}, as_=alice)
        assert profile["node"] == {"id": bob.gid, "displayName": "Bob", "bio": ""}
    seen_by_moderator = await gql(PROFILE, {"id": bob.gid}, as_=moderator)
    assert seen_by_moderator["node"]["bio"] == "I fix bikes."
    assert await AuditEvent.exists(
        hub_id=hub.id, action="moderation.suspend", object_id=bob.member.id
    )
    # when: reinstated
    again = await gql(
        REINSTATE, {"input": {"memberId": bob.gid, "reason": "Apologised."}}, as_=moderator
    )
    twice = await gql(REINSTATE, {"input": {"memberId": bob.gid, "reason": "x"}}, as_=moderator)
    # then: he signs in again; listings and content are back; the application stays withdrawn
    assert again["reinstateMember"]["action"]["kind"] == "REINSTATE"
    assert codes(twice["reinstateMember"]) == [("NOT_SUSPENDED", "memberId")]
    assert (await gql(VIEWER, as_=bob))["viewer"] == {"id": bob.gid}
    assert (await Opportunity.get(id=w["mine"].id)).status == "published"
    assert (await Asset.get(id=w["asset"].id)).status == AssetStatus.LISTED
    assert (await Application.get(id=w["application"].id)).status == ApplicationStatus.WITHDRAWN
    review = await gql(REVIEW, {"id": gid("Review", w["review"].id)}, as_=alice)
    assert review["node"]["comment"] == "Late"
    assert (await gql(PROFILE, {"id": bob.gid}, as_=alice))["node"]["bio"] == "I fix bikes."
    assert not await HiddenObject.exists(hub_id=hub.id)
    assert await AuditEvent.exists(hub_id=hub.id, action="moderation.reinstate")


async def test_suspending_twice_is_refused_and_writes_nothing(
    gql: Any, hub: Any, bob: Any, moderator: Any
) -> None:
    # given
    await gql(SUSPEND, {"input": {"memberId": bob.gid, "reason": "Spam."}}, as_=moderator)
    before = await AuditEvent.filter(hub_id=hub.id).count()
    # when
    data = await gql(SUSPEND, {"input": {"memberId": bob.gid, "reason": "Spam."}}, as_=moderator)
    past = await gql(
        SUSPEND,
        {"input": {"memberId": bob.gid, "reason": "x", "endsAt": "2020-01-01T00:00:00+00:00"}},
        as_=moderator,
    )
    # then
    assert codes(data["suspendMember"]) == [("ALREADY_SUSPENDED", "memberId")]
    assert codes(past["suspendMember"]) == [("INVALID", "endsAt")]
    assert await Suspension.filter(hub_id=hub.id).count() == 1
    assert await AuditEvent.filter(hub_id=hub.id).count() == before


async def test_a_suspension_that_ran_out_is_lifted_by_the_worker(
    gql: Any, hub: Any, bob: Any, moderator: Any
) -> None:
    # given: a suspension that ends in an hour
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    await gql(
        SUSPEND, {"input": {"memberId": bob.gid, "reason": "Cool off.", "endsAt": until}},
        as_=moderator,
    )  # fmt: skip
    # when: the periodic sweep runs now, then after the end
    early = await expiry.lift_expired()
    late = await expiry.lift_expired(datetime.now(UTC) + timedelta(hours=2))
    # then
    assert (early, late) == (0, 1)
    assert (await Member.get(id=bob.member.id)).status == MemberStatus.ACTIVE
    assert await Suspension.filter(hub_id=hub.id, lifted_at__isnull=True).count() == 0


async def test_a_hub_admin_records_a_suspended_members_appeal_and_overturns_it(
    gql: Any, hub: Any, bob: Any, moderator: Any, admin: Any
) -> None:
    # given: Bob is suspended (he cannot sign in: he appealed by email)
    data = await gql(SUSPEND, {"input": {"memberId": bob.gid, "reason": "Spam."}}, as_=moderator)
    action_id = data["suspendMember"]["action"]["id"]
    # when
    appealed = await gql(
        APPEAL, {"input": {"actionId": action_id, "note": "By email: I was hacked."}}, as_=admin
    )
    decided = await gql(
        DECIDE,
        {"input": {"actionId": action_id, "overturn": True, "note": "Hacked account."}},
        as_=admin,
    )
    # then: reinstated
    assert appealed["appealModerationAction"]["action"]["appealStatus"] == "PENDING"
    assert decided["decideAppeal"]["action"]["appealStatus"] == "OVERTURNED"
    assert (await Member.get(id=bob.member.id)).status == MemberStatus.ACTIVE
    assert (await gql(VIEWER, as_=bob))["viewer"] == {"id": bob.gid}
