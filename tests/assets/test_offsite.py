"""Shares made off the site: the owner side records one; it counts (an impact record) only once
the other side confirms; the other side may decline; typed errors write nothing."""

from datetime import date, timedelta
from typing import Any

from app.assets.impact_models import ImpactRecord
from app.assets.sharing_models import OffSiteShare
from app.organisations import service as organisations
from tests.assets.conftest import actor_of, gid
from tests.helpers import Person, create_person

RECORD = """
mutation Record($input: RecordOffSiteShareInput!) {
  recordOffSiteShare(input: $input) {
    offSiteShare { id kind status quantity occurredOn note asset { title }
                   recordedBy { displayName } receiverMember { displayName }
                   receiverOrganisation { name } }
    errors { code field message }
  }
}"""
CONFIRM = """
mutation Confirm($input: ConfirmOffSiteShareInput!) {
  confirmOffSiteShare(input: $input) { offSiteShare { status answeredAt } errors { code message } }
}"""
DECLINE = """
mutation Decline($input: DeclineOffSiteShareInput!) {
  declineOffSiteShare(input: $input) { offSiteShare { status } errors { code message } }
}"""
SHARES = """
query Shares($status: OffSiteShareStatus) {
  offSiteShares(first: 20, status: $status) { edges { node { id status asset { title } } } }
}"""
NOTIFICATIONS = """
query Told { notifications(first: 5) { edges { node { kind title reason asset { title } } } } }"""
LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()


async def record(gql: Any, person: Person, asset: Any, **extra: Any) -> dict[str, Any]:
    values = {"assetId": gid("Asset", asset.id), "kind": "GIVEAWAY", "occurredOn": LAST_WEEK}
    data = await gql(RECORD, {"input": values | extra}, as_=person)
    return data["recordOffSiteShare"]  # type: ignore[no-any-return]


async def answer(gql: Any, document: str, person: Person, share_id: str) -> dict[str, Any]:
    data = await gql(document, {"input": {"offSiteShareId": share_id}}, as_=person)
    return next(iter(data.values()))  # type: ignore[no-any-return]


async def test_a_share_made_off_the_site_counts_once_the_other_side_confirms(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: Alice gave her old desk to Bob last week, outside the site
    desk = await list_asset(alice, title="Old desk", weight_kg=25.0, publish=False)
    bob = await make_person(display_name="Bob")
    # when
    recorded = await record(gql, alice, desk, receiverMemberId=bob.gid, note="Collected by van")
    # then: recorded, pending, not counted yet; Bob is asked to confirm
    assert recorded["errors"] == []
    share = recorded["offSiteShare"]
    assert share | {"id": None} == {
        "id": None,
        "kind": "GIVEAWAY",
        "status": "PENDING",
        "quantity": 1,
        "occurredOn": LAST_WEEK,
        "note": "Collected by van",
        "asset": {"title": "Old desk"},
        "recordedBy": {"displayName": "Alice"},
        "receiverMember": {"displayName": "Bob"},
        "receiverOrganisation": None,
    }
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 0
    told = (await gql(NOTIFICATIONS, as_=bob))["notifications"]["edges"]
    assert [e["node"] for e in told] == [
        {
            "kind": "OFF_SITE_SHARE",
            "title": "Confirm: “Old desk”",
            "reason": f"Alice recorded giving it to you on {LAST_WEEK}: confirm it so it counts",
            "asset": None,  # a draft: only its owner side sees it
        }
    ]
    pending = (await gql(SHARES, {"status": "PENDING"}, as_=bob))["offSiteShares"]["edges"]
    assert [e["node"]["id"] for e in pending] == [share["id"]]
    # when: Bob confirms
    confirmed = await answer(gql, CONFIRM, bob, share["id"])
    # then: it counts, once, on the day it happened
    assert confirmed["errors"] == [] and confirmed["offSiteShare"]["status"] == "CONFIRMED"
    impact = await ImpactRecord.get(hub_id=hub.id)
    assert (impact.diverted_g, impact.receiver_member_id) == (25_000, bob.member.id)
    assert impact.occurred_at.date().isoformat() == LAST_WEEK
    assert impact.off_site_share_id is not None
    # confirming twice is a typed error and writes nothing
    twice = await answer(gql, CONFIRM, bob, share["id"])
    assert [e["code"] for e in twice["errors"]] == ["ALREADY_CONFIRMED"]
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 1
    declined_late = await answer(gql, DECLINE, bob, share["id"])
    assert [e["code"] for e in declined_late["errors"]] == ["INVALID_TRANSITION"]


async def test_a_loan_to_an_organisation_is_answered_by_its_people(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: Alice lent her drill to Bob's repair café; Carol staffs it
    drill = await list_asset(alice, kind="loan", title="Drill", weight_kg=2.0)
    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    cafe = await organisations.create_organisation(
        actor=actor_of(bob), name="Chorlton Repair Cafe", kind="community_group"
    )
    await organisations.add_member(
        actor=actor_of(bob), organisation_id=cafe.id, member_id=carol.member.id, role="staff"
    )
    recorded = await record(
        gql, alice, drill, kind="LOAN", receiverOrganisationId=gid("Organisation", cafe.id)
    )
    share_id = recorded["offSiteShare"]["id"]
    # then: its owner (a manager) is asked; its staff may answer too; others may not
    assert [
        e["node"]["kind"] for e in (await gql(NOTIFICATIONS, as_=bob))["notifications"]["edges"]
    ] == ["OFF_SITE_SHARE"]
    stranger = await make_person()
    for person in (stranger, alice):
        refused = await answer(gql, CONFIRM, person, share_id)
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    # when
    confirmed = await answer(gql, CONFIRM, carol, share_id)
    # then: a loan counts its share of a new drill (10% by default)
    assert confirmed["errors"] == []
    impact = await ImpactRecord.get(hub_id=hub.id)
    assert (impact.diverted_g, impact.receiver_organisation_id) == (200, cafe.id)
    seen = (await gql(SHARES, as_=alice))["offSiteShares"]["edges"]
    assert [e["node"]["status"] for e in seen] == ["CONFIRMED"]


async def test_the_other_side_may_decline_and_then_it_never_counts(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    desk = await list_asset(alice)
    bob = await make_person(display_name="Bob")
    share_id = (await record(gql, alice, desk, receiverMemberId=bob.gid))["offSiteShare"]["id"]
    # when
    declined = await answer(gql, DECLINE, bob, share_id)
    # then
    assert declined["offSiteShare"]["status"] == "DECLINED"
    late = await answer(gql, CONFIRM, bob, share_id)
    assert [e["code"] for e in late["errors"]] == ["INVALID_TRANSITION"]
    assert await ImpactRecord.filter(hub_id=hub.id).count() == 0


async def test_bad_records_are_typed_errors_and_nothing_is_written(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, other_hub: Any
) -> None:
    # given
    desk = await list_asset(alice)
    room = await list_asset(alice, kind="bookable", title="Room", weight_kg=None)
    bob, stranger = await make_person(display_name="Bob"), await make_person()
    outsider = await create_person(hub=other_hub)
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Alice's Charity", kind="charity"
    )
    org_desk = await list_asset(alice, organisation_id=charity.id, title="Charity desk")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = [
        (alice, desk, {"receiverMemberId": alice.gid}, [("OWN_ASSET", "receiverMemberId")]),
        (
            alice,
            org_desk,
            {"receiverOrganisationId": gid("Organisation", charity.id)},
            [("OWN_ASSET", "receiverOrganisationId")],
        ),
        (alice, desk, {}, [("INVALID", "receiverMemberId")]),
        (
            alice,
            desk,
            {
                "receiverMemberId": bob.gid,
                "receiverOrganisationId": gid("Organisation", charity.id),
            },
            [("INVALID", "receiverMemberId")],
        ),
        (
            alice,
            desk,
            {"receiverMemberId": bob.gid, "occurredOn": tomorrow},
            [("INVALID", "occurredOn")],
        ),
        (alice, room, {"receiverMemberId": bob.gid, "kind": "BOOKABLE"}, [("INVALID", "kind")]),
        (alice, desk, {"receiverMemberId": outsider.gid}, [("NOT_FOUND", "receiverMemberId")]),
        (alice, desk, {"receiverMemberId": bob.gid, "quantity": 0}, [("INVALID", "quantity")]),
        (stranger, desk, {"receiverMemberId": bob.gid}, [("FORBIDDEN", None)]),
        (outsider, desk, {"receiverMemberId": bob.gid}, [("NOT_FOUND", "assetId")]),
    ]
    for person, asset, extra, expected in cases:
        errors = (await record(gql, person, asset, **extra))["errors"]
        assert [(e["code"], e["field"]) for e in errors] == expected, extra
    assert await OffSiteShare.filter(hub_id=hub.id).count() == 0
