"""Who stands behind an anonymous pledge: hub admins may look, and each look is audited.
Named pledges are public, so reading them leaves no row."""

import uuid
from typing import Any

from app.audit.models import AuditEvent
from app.campaigns import pledges
from app.campaigns.pledges import Amount
from app.people.models import Role
from tests.campaigns.conftest import actor_of, fund, gid

BACKERS = """
query Backers($id: ID!) { node(id: $id) { ... on Campaign {
  backers(first: 10) { edges { node { anonymous backerName backer { id } } } } } } }"""


async def _pledge(person: Any, campaign_id: int, *, anonymous: bool) -> None:
    await fund(person.member.hub_id, person.member.id, 100)
    await pledges.pledge(
        actor=actor_of(person),
        campaign_id=campaign_id,
        given=Amount(amount=40),
        anonymous=anonymous,
        idempotency_key=uuid.uuid4().hex,
    )


async def _reads(hub_id: int) -> list[tuple[int | None, int | None, str]]:
    rows = await AuditEvent.filter(hub_id=hub_id, action="private.read")
    return sorted((r.actor_id, r.subject_id, r.data["field"]) for r in rows)


async def test_an_admin_reading_an_anonymous_backer_is_audited_and_a_named_one_is_not(
    gql: Any, alice: Any, make_person: Any, open_campaign: Any
) -> None:
    # given: a project with one anonymous and one named backer
    campaign = await open_campaign(alice)
    hidden, named = await make_person(display_name="Hidden"), await make_person(display_name="Ned")
    await _pledge(hidden, campaign.id, anonymous=True)
    await _pledge(named, campaign.id, anonymous=False)
    admin = await make_person(display_name="Admin", roles=[Role.HUB_ADMIN])
    # when: a stranger and then a hub admin read the backers
    await gql(BACKERS, {"id": gid("Campaign", campaign.id)}, as_=named)
    assert await _reads(alice.member.hub_id) == []
    data = await gql(BACKERS, {"id": gid("Campaign", campaign.id)}, as_=admin)
    # then: the admin sees both names; only the anonymous backer's two fields are recorded
    names = sorted(e["node"]["backerName"] for e in data["node"]["backers"]["edges"])
    assert names == ["Hidden", "Ned"]
    a, h = admin.member.id, hidden.member.id
    assert await _reads(alice.member.hub_id) == [
        (a, h, "Pledge.backer"),
        (a, h, "Pledge.backerName"),
    ]
