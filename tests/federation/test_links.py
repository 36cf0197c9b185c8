"""Links between two hubs: agreed by both hubs' admins, seen and changed by them only."""

from typing import Any

from app.audit.models import AuditEvent
from app.credits.models import Account, AccountKind
from app.federation.models import HubLink, LinkStatus
from app.people.models import Role
from schema.relay import encode_id
from tests.federation.conftest import Pair
from tests.helpers import create_person

PROPOSE = """
mutation($input: ProposeHubLinkInput!) {
  proposeHubLink(input: $input) {
    link { id status partnerName rateNumerator rateDenominator creditLimit allowedCategories }
    errors { code field }
  }
}"""
ACCEPT = """
mutation($input: AcceptHubLinkInput!) {
  acceptHubLink(input: $input) { link { status clearingBalance } errors { code field } }
}"""
DECLINE = """
mutation($input: DeclineHubLinkInput!) {
  declineHubLink(input: $input) { link { status } errors { code field } }
}"""
PAUSE = """
mutation($input: SetHubLinkPausedInput!) {
  setHubLinkPaused(input: $input) { link { status } errors { code field } }
}"""
LIMIT = """
mutation($input: SetHubLinkCreditLimitInput!) {
  setHubLinkCreditLimit(input: $input) { link { creditLimit } errors { code field } }
}"""
LINKS = """{ hubLinks { id partnerName partnerSlug status creditLimit clearingBalance } }"""


def gid(link: HubLink) -> str:
    return str(encode_id("HubLink", link.id))


async def test_one_admin_proposes_the_other_accepts_and_both_open_a_clearing_account(
    gql: Any, pair: Pair
) -> None:
    # when: hub A proposes 1 A-credit = 2 B-credits; B's admin accepts
    proposed = await gql(
        PROPOSE,
        {
            "input": {
                "partnerHubSlug": pair.other.slug,
                "rateNumerator": 4,
                "rateDenominator": 2,
                "creditLimit": 300,
                "partnerCreditLimit": 500,
                "categories": ["Gardening", "repairs"],
            }
        },
        as_=pair.admin,
    )
    link = proposed["proposeHubLink"]["link"]
    assert proposed["proposeHubLink"]["errors"] == []
    assert (link["status"], link["rateNumerator"], link["rateDenominator"]) == ("PROPOSED", 2, 1)
    assert link["allowedCategories"] == ["gardening", "repairs"]
    theirs = await HubLink.get(hub_id=pair.other.id)
    assert (theirs.status, theirs.rate_numerator, theirs.rate_denominator) == (
        LinkStatus.INVITED,
        1,
        2,
    )
    assert theirs.credit_limit == 500 and theirs.partner_name == pair.hub.name
    # the proposer cannot accept its own proposal
    own = await gql(ACCEPT, {"input": {"linkId": link["id"]}}, as_=pair.admin)
    assert own["acceptHubLink"]["errors"][0]["code"] == "NOT_PENDING"
    accepted = await gql(ACCEPT, {"input": {"linkId": gid(theirs)}}, as_=pair.other_admin)
    # then
    assert accepted["acceptHubLink"] == {
        "link": {"status": "ACTIVE", "clearingBalance": 0},
        "errors": [],
    }
    clearing = await Account.filter(
        kind=AccountKind.CLEARING, hub_id__in=[pair.hub.id, pair.other.id]
    )
    assert sorted((a.hub_id, a.overdraft_limit) for a in clearing) == sorted(
        [(pair.hub.id, 300), (pair.other.id, 500)]
    )
    for hub_id, action in (
        (pair.hub.id, "federation.propose"),
        (pair.other.id, "federation.accept"),
    ):
        assert await AuditEvent.exists(hub_id=hub_id, action=action)


async def test_only_each_hubs_admins_see_and_change_its_links(gql: Any, pair: Pair) -> None:
    mine, _theirs = await pair.link()
    member = await create_person(hub=pair.hub)
    # a member of the hub: no list, no node, no change
    body = await gql.raw(LINKS, as_=member)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    node = await gql.raw(
        "query($id: ID!) { node(id: $id) { ... on HubLink { partnerName } } }",
        {"id": gid(mine)},
        as_=member,
    )
    assert node["data"]["node"] is None
    refused = await gql.raw(PAUSE, {"input": {"linkId": gid(mine), "paused": True}}, as_=member)
    assert "errors" in refused or refused["data"]["setHubLinkPaused"]["errors"]
    # the other hub's admin cannot reach hub A's side by its id
    other = await gql(PAUSE, {"input": {"linkId": gid(mine), "paused": True}}, as_=pair.other_admin)
    assert other["setHubLinkPaused"]["errors"][0]["code"] == "NOT_FOUND"
    # each admin sees their own side
    listed = (await gql(LINKS, as_=pair.admin))["hubLinks"]
    assert [(r["partnerSlug"], r["status"]) for r in listed] == [(pair.other.slug, "ACTIVE")]
    assert (await gql(LINKS, as_=pair.other_admin))["hubLinks"][0]["partnerSlug"] == pair.hub.slug
    assert (await HubLink.get(id=mine.id)).status == LinkStatus.ACTIVE


async def test_pause_resume_limit_and_decline_change_both_sides_and_are_audited(
    gql: Any, pair: Pair
) -> None:
    mine, theirs = await pair.link()
    paused = await gql(
        PAUSE, {"input": {"linkId": gid(theirs), "paused": True}}, as_=pair.other_admin
    )
    assert paused["setHubLinkPaused"] == {"link": {"status": "PAUSED"}, "errors": []}
    assert (await HubLink.get(id=mine.id)).status == LinkStatus.PAUSED
    await gql(PAUSE, {"input": {"linkId": gid(mine), "paused": False}}, as_=pair.admin)
    assert (await HubLink.get(id=theirs.id)).status == LinkStatus.ACTIVE
    limited = await gql(LIMIT, {"input": {"linkId": gid(mine), "creditLimit": 40}}, as_=pair.admin)
    assert limited["setHubLinkCreditLimit"] == {"link": {"creditLimit": 40}, "errors": []}
    assert (await Account.get(link_id=mine.id)).overdraft_limit == 40
    bad = await gql(LIMIT, {"input": {"linkId": gid(mine), "creditLimit": -1}}, as_=pair.admin)
    assert bad["setHubLinkCreditLimit"]["errors"] == [{"code": "INVALID", "field": "creditLimit"}]
    actions = set(await AuditEvent.filter(hub_id=pair.hub.id).values_list("action", flat=True))
    assert {"federation.pause", "federation.resume", "federation.credit_limit"} <= actions
    # a proposal declined, then proposed again
    third = await create_person(hub=pair.other, roles=[Role.HUB_ADMIN])
    assert third
    again = await gql(PROPOSE, {"input": {"partnerHubSlug": pair.other.slug}}, as_=pair.admin)
    assert again["proposeHubLink"]["errors"] == [
        {"code": "ALREADY_LINKED", "field": "partnerHubSlug"}
    ]


async def test_declined_proposals_can_be_made_again(gql: Any, pair: Pair) -> None:
    proposed = await gql(PROPOSE, {"input": {"partnerHubSlug": pair.other.slug}}, as_=pair.admin)
    theirs = await HubLink.get(hub_id=pair.other.id)
    declined = await gql(DECLINE, {"input": {"linkId": gid(theirs)}}, as_=pair.other_admin)
    assert declined["declineHubLink"] == {"link": {"status": "DECLINED"}, "errors": []}
    assert proposed["proposeHubLink"]["link"]["status"] == "PROPOSED"
    assert not await Account.exists(kind=AccountKind.CLEARING, hub_id=pair.hub.id)
    again = await gql(PROPOSE, {"input": {"partnerHubSlug": pair.other.slug}}, as_=pair.admin)
    assert again["proposeHubLink"]["link"]["status"] == "PROPOSED"
    assert await HubLink.filter(hub_id__in=[pair.hub.id, pair.other.id]).count() == 2


async def test_bad_proposals_are_typed_errors_and_write_nothing(gql: Any, pair: Pair) -> None:
    cases = [
        ({"partnerHubSlug": "nowhere"}, "NOT_FOUND", "partnerHubSlug"),
        ({"partnerHubSlug": pair.hub.slug}, "INVALID", "partnerHubSlug"),
        ({"partnerHubSlug": pair.other.slug, "rateNumerator": 0}, "INVALID", "rateNumerator"),
        ({"partnerHubSlug": pair.other.slug, "creditLimit": -5}, "INVALID", "creditLimit"),
        ({"partnerHubSlug": pair.other.slug, "categories": ["x" * 61]}, "INVALID", "categories"),
    ]
    for value, code, field in cases:
        errors = (await gql(PROPOSE, {"input": value}, as_=pair.admin))["proposeHubLink"]["errors"]
        assert errors == [{"code": code, "field": field}], value
    assert not await HubLink.filter(hub_id__in=[pair.hub.id, pair.other.id]).exists()


async def test_two_admins_proposing_to_each_other_at_once_make_one_link(pair: Pair) -> None:
    import asyncio

    from app.errors import DomainError
    from app.federation import links
    from tests.federation.conftest import actor

    async def propose(admin: Any, partner: Any) -> str:
        try:
            await links.propose(actor=actor(admin, Role.HUB_ADMIN), partner_slug=partner.slug)
            return "made"
        except DomainError as exc:
            return str(exc.code)

    results = await asyncio.gather(
        propose(pair.admin, pair.other), propose(pair.other_admin, pair.hub)
    )
    assert sorted(results) == ["already_linked", "made"]
    assert await HubLink.filter(hub_id__in=[pair.hub.id, pair.other.id]).count() == 2


async def test_the_list_costs_the_same_for_one_and_five_links(gql: Any, pair: Pair) -> None:
    from app.auth import service as auth
    from app.hubs import service as hubs
    from tests.helpers import count_sql

    await pair.link()
    await auth.authenticate(pair.admin.token)
    await gql(LINKS, as_=pair.admin)
    with count_sql() as one:
        await gql(LINKS, as_=pair.admin)
    for n in range(4):
        extra = await hubs.create_hub(
            name=f"Extra {n} {pair.hub.slug}", slug=f"x{n}-{pair.hub.slug}"
        )
        extra_admin = await create_person(hub=extra, roles=[Role.HUB_ADMIN])
        other = Pair(pair.hub, extra, pair.admin, extra_admin, pair.payer, pair.payee)
        await other.link()
    with count_sql() as five:
        listed = (await gql(LINKS, as_=pair.admin))["hubLinks"]
    assert len(listed) == 5
    assert len(five.statements) == len(one.statements), five.statements
