"""Guests (issue 22): a member of hub A finds hub B's opportunities across an active link,
applies as a guest of B, B's organisation accepts and verifies their hours as any volunteer's,
and the credits cross the link to the member's account in A: at the rate, within the limit,
exactly once, both books balanced, both statements naming the other hub."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tortoise.transactions import in_transaction

from app.credits import service as credits
from app.credits.models import Account, Transfer
from app.federation import guests, links
from app.federation.models import GuestEarning, HubLink, LinkStatus
from app.gdpr import erasure, export
from app.gdpr.mentions import PSEUDONYM
from app.moderation import suspensions
from app.opportunities import applications
from app.opportunities import service as opportunities
from app.opportunities.models import Application, Category, Opportunity
from app.organisations import service as organisations
from app.people.models import Member, MemberStatus, Role
from app.portfolios import hours
from app.portfolios.models import HoursRecord
from schema.relay import encode_id
from tests.federation.conftest import Pair, actor, books, written
from tests.helpers import Person, count_sql, create_person

PARTNER_LIST = """
query($slug: String!, $first: Int!, $after: String) {
  partnerOpportunities(partnerHubSlug: $slug, first: $first, after: $after) {
    edges { cursor node { id title category hubName organisationName placesLeft } }
    pageInfo { hasNextPage endCursor }
  }
}"""
APPLY = """
mutation($input: ApplyToPartnerOpportunityInput!) {
  applyToPartnerOpportunity(input: $input) {
    application { applicationId status hubName hubSlug }
    errors { code field message }
  }
}"""
ENTER = """
mutation($input: EnterPartnerHubInput!) {
  enterPartnerHub(input: $input) {
    session { accessToken expiresAt hubSlug guestId }
    errors { code field message }
  }
}"""
ACCEPT = """
mutation($input: AcceptApplicationInput!) {
  acceptApplication(input: $input) { application { id status } errors { code field message } }
}"""
LOG_HOURS = """
mutation($input: LogHoursInput!) {
  logHours(input: $input) { hoursRecord { id status minutes } errors { code field message } }
}"""
VERIFY = """
mutation($input: VerifyHoursInput!) {
  verifyHours(input: $input) { hoursRecord { id status } errors { code field message } }
}"""
STATEMENT = """
{ myStatement(first: 10) { edges { node { amount counterparty { kind partnerHub }
  transfer { crossHub { hubName amount } } } } } }"""
PORTFOLIO = "{ portfolio { hoursByHub { hubName minutes linked } } }"


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def today(hub: Any) -> str:
    return datetime.now(ZoneInfo(hub.timezone)).date().isoformat()


class World:
    """Hub A (`pair.hub`, the volunteer Paola) and hub B (`pair.other`), where Olga's
    organisation posts opportunities in two categories."""

    def __init__(self, pair: Pair, olga: Person, org_id: int, categories: dict[str, int]):
        self.pair, self.olga, self.org_id, self.categories = pair, olga, org_id, categories

    @property
    def paola(self) -> Person:
        return self.pair.payer

    async def post(self, category: str = "gardening", **fields: Any) -> Opportunity:
        values: dict[str, Any] = {
            "kind": "request",
            "title": f"Help with {category}",
            "description": "Two hours on a Saturday.",
            "category_id": self.categories[category],
            "location": (53.4794, -2.2453),
            "starts_at": datetime.now(UTC) + timedelta(days=3),
            "ends_at": datetime.now(UTC) + timedelta(days=3, hours=3),
            "places": 5,
            "organisation_id": self.org_id,
        } | fields
        publish = bool(values.pop("publish", True))
        return await opportunities.create_opportunity(
            actor=actor(self.olga), fields=values, publish=publish
        )


@pytest.fixture
async def world(pair: Pair) -> World:
    olga = await create_person(hub=pair.other, display_name="Olga")
    org = await organisations.create_organisation(
        actor=actor(olga), name="Garden Trust", kind="charity"
    )
    categories = {}
    for slug in ("gardening", "cooking"):
        found = await Category.get_or_none(hub_id=pair.other.id, slug=slug)
        found = found or await Category.create(hub_id=pair.other.id, slug=slug, name=slug.title())
        categories[slug] = found.id
    return World(pair, olga, org.id, categories)


async def _balance(hub_id: int, member_id: int) -> int:
    account = await Account.get_or_none(hub_id=hub_id, member_id=member_id)
    return account.balance if account else 0


async def _guest(world: World) -> Member:
    return await Member.get(hub_id=world.pair.other.id, home_member_id=world.paola.member.id)


async def test_the_whole_loop_a_guest_applies_works_and_earns_at_home(
    gql: Any, world: World, run_jobs: Any
) -> None:
    # given: 1 credit of A is worth 1/2 of B's (B's credit is worth 2 of A's); the link
    # carries gardening only; B posts gardening, cooking and a draft
    pair = world.pair
    await pair.link(rate=(1, 2), limit=1000, other_limit=1000, categories=["gardening"])
    shown = await world.post("gardening")
    await world.post("cooking")
    await world.post("gardening", publish=False)
    # when: Paola (hub A) lists B's opportunities
    listed = await gql(PARTNER_LIST, {"slug": pair.other.slug, "first": 10}, as_=world.paola)
    edges = listed["partnerOpportunities"]["edges"]
    # then: only the published gardening one, named with its hub and organisation
    assert [e["node"]["id"] for e in edges] == [gid("Opportunity", shown.id)]
    assert edges[0]["node"]["hubName"] == pair.other.name
    assert edges[0]["node"]["organisationName"] == "Garden Trust"
    # when: she applies as a guest of B
    applied = await gql(
        APPLY,
        {"input": {"opportunityId": edges[0]["node"]["id"], "message": "Happy to help"}},
        as_=world.paola,
    )
    payload = applied["applyToPartnerOpportunity"]
    assert payload["errors"] == []
    assert payload["application"]["status"] == "PENDING"
    assert payload["application"]["hubSlug"] == pair.other.slug
    application_id = payload["application"]["applicationId"]
    guest = await _guest(world)
    assert (guest.display_name, guest.email, guest.password_hash) == ("Paola", None, None)
    # and B's organisation accepts her as any volunteer
    accepted = await gql(ACCEPT, {"input": {"applicationId": application_id}}, as_=world.olga)
    assert accepted["acceptApplication"]["application"]["status"] == "ACCEPTED"
    # when: she enters B as a guest and logs 90 minutes there
    entered = (await gql(ENTER, {"input": {"partnerHubSlug": pair.other.slug}}, as_=world.paola))[
        "enterPartnerHub"
    ]
    assert entered["errors"] == [] and entered["session"]["guestId"] == gid("Member", guest.id)
    guest_headers = bearer(entered["session"]["accessToken"])
    logged = await gql(
        LOG_HOURS,
        {"input": {"applicationId": application_id, "workedOn": today(pair.other), "minutes": 90}},
        headers=guest_headers,
    )
    assert logged["logHours"]["errors"] == []
    record_id = logged["logHours"]["hoursRecord"]["id"]
    # and B's organisation verifies them; the earning job runs
    verified = await gql(VERIFY, {"input": {"hoursRecordId": record_id}}, as_=world.olga)
    assert verified["verifyHours"]["hoursRecord"]["status"] == "VERIFIED"
    await run_jobs()
    # then: 90 minutes at B's 60 credits an hour are 90 of B's credits, 180 of A's, paid in A
    assert await _balance(pair.hub.id, world.paola.member.id) == 180
    assert await _balance(pair.other.id, guest.id) == 0  # never credited in B
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
    record = await HoursRecord.get(volunteer_id=guest.id)
    earning = await GuestEarning.get(hours_record_id=record.id)
    assert (earning.status, earning.amount) == ("paid", 90)
    # and both statements name the other hub
    line = (await gql(STATEMENT, as_=world.paola))["myStatement"]["edges"][0]["node"]
    assert line["amount"] == 180
    assert line["counterparty"] == {"kind": "CLEARING", "partnerHub": pair.other.name}
    assert line["transfer"]["crossHub"] == {"hubName": pair.other.name, "amount": 90}
    b_side = await Transfer.get(hub_id=pair.other.id, reference=f"hours:{record.id}")
    assert b_side.amount == 90 and b_side.data["partner_hub"] == pair.hub.name
    assert b_side.data["partner_member"] == "Paola"
    # and her portfolio at home shows the hours given in B
    by_hub = (await gql(PORTFOLIO, as_=world.paola))["portfolio"]["hoursByHub"]
    assert {"hubName": pair.other.name, "minutes": 90, "linked": True} in by_hub
    # when: the job runs again (a retry): nothing more
    await credits.earn_for_hours(hours_record_id=record.id)
    assert await _balance(pair.hub.id, world.paola.member.id) == 180


async def test_concurrent_first_applications_make_one_guest(world: World) -> None:
    # given: an active link and four opportunities in B
    await world.pair.link()
    posted = [await world.post() for _ in range(4)]
    me = actor(world.paola)
    # when: Paola applies to all four at the same moment
    made = await asyncio.gather(
        *(guests.apply(actor=me, opportunity_id=o.id) for o in posted)
    )  # fmt: skip
    # then: one guest member in B, the applicant of all four
    found = await Member.filter(hub_id=world.pair.other.id, home_member_id=world.paola.member.id)
    assert len(found) == 1
    assert {a.applicant_id for a in made} == {found[0].id}  # type: ignore[attr-defined]


async def _verified_records(world: World, n: int, minutes: int = 60) -> list[HoursRecord]:
    """`n` verified hours records of Paola's guest in B (one engagement), earnings not run."""
    opportunity = await world.post()
    application = await guests.apply(actor=actor(world.paola), opportunity_id=opportunity.id)
    await applications.accept(actor=actor(world.olga), application_id=application.id)
    guest = guests.guest_actor(await _guest(world))
    records = []
    day = datetime.now(ZoneInfo(world.pair.other.timezone)).date()
    for i in range(n):
        record = await hours.log_hours(
            actor=guest,
            application_id=application.id,
            worked_on=day - timedelta(days=i + 1),
            minutes=minutes,
        )
        records.append(await hours.verify_hours(actor=actor(world.olga), record_id=record.id))
    return records


async def test_concurrent_earnings_never_pass_the_link_limit_and_books_balance(
    world: World,
) -> None:
    # given: A lends B's members at most 150 of A's credits, 1:1; five verified hours (60 each)
    pair = world.pair
    mine, _theirs = await pair.link(limit=150, other_limit=1000)
    records = await _verified_records(world, 5)
    # when: the five earnings run at once, each twice (a retried job)
    await asyncio.gather(
        *(credits.earn_for_hours(hours_record_id=r.id) for r in records for _ in range(2))
    )
    # then: two crossed (120 <= 150), three are held over the limit; nothing paid twice
    earnings = await GuestEarning.filter(hours_record_id__in=[r.id for r in records])
    assert sorted(e.status for e in earnings) == ["held"] * 3 + ["paid"] * 2
    assert {e.reason for e in earnings if e.status == "held"} == {"over_link_limit"}
    assert await _balance(pair.hub.id, world.paola.member.id) == 120
    assert (await Account.get(link_id=mine.id)).balance == -120
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)
    assert all(
        r.status == "verified" for r in await HoursRecord.filter(id__in=[r.id for r in records])
    )
    # when: the limit is raised (as set_credit_limit does, without its release), then the
    # release of the held earnings and a retry of every job race each other
    await HubLink.filter(id=mine.id).update(credit_limit=1000)
    await Account.filter(link_id=mine.id).update(overdraft_limit=1000)
    await asyncio.gather(
        guests.release_held(hub_id=pair.other.id),
        *(credits.earn_for_hours(hours_record_id=r.id) for r in records),
    )
    # then: all five paid, once each
    assert await _balance(pair.hub.id, world.paola.member.id) == 300
    assert (
        await GuestEarning.filter(
            status="paid", hours_record_id__in=[r.id for r in records]
        ).count()
        == 5
    )
    assert await Transfer.filter(hub_id=pair.hub.id, reference__startswith="hours:").count() == 5
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)


async def test_a_paused_link_holds_the_earning_until_resumed(world: World) -> None:
    # given: verified hours of Paola's guest in B, and B's admin pauses the link
    pair = world.pair
    _mine, theirs = await pair.link()
    [record] = await _verified_records(world, 1, minutes=30)
    await links.set_paused(
        actor=actor(pair.other_admin, Role.HUB_ADMIN), link_id=theirs.id, paused=True
    )
    # when: the earning runs
    assert await credits.earn_for_hours(hours_record_id=record.id) is None
    # then: the hours stay verified, the earning is held, nothing moved
    earning = await GuestEarning.get(hours_record_id=record.id)
    assert (earning.status, earning.reason) == ("held", "link_not_active")
    assert (await HoursRecord.get(id=record.id)).status == "verified"
    assert await _balance(pair.hub.id, world.paola.member.id) == 0
    # when: the link is resumed: the held earning crosses
    await links.set_paused(
        actor=actor(pair.other_admin, Role.HUB_ADMIN), link_id=theirs.id, paused=False
    )
    assert await _balance(pair.hub.id, world.paola.member.id) == 30
    assert (await GuestEarning.get(hours_record_id=record.id)).status == "paid"
    assert (await books(pair.hub.id), await books(pair.other.id)) == (0, 0)


async def _counts(pair: Pair) -> dict[str, int]:
    counts = await written([pair.hub.id, pair.other.id])
    counts["member"] = await Member.filter(hub_id=pair.other.id).count()
    counts["application"] = await Application.filter(hub_id=pair.other.id).count()
    return counts


async def test_bad_applications_are_typed_errors_and_write_nothing(
    gql: Any, world: World, make_person: Any
) -> None:
    pair = world.pair
    garden = await world.post("gardening")
    cooking = await world.post("cooking")
    draft = await world.post("gardening", publish=False)
    at_home = await opportunities.create_opportunity(
        actor=actor(world.paola),
        fields={
            "kind": "request",
            "title": "At home",
            "category_id": (await Category.get_or_none(hub_id=pair.hub.id, slug="gardening")
                            or await Category.create(hub_id=pair.hub.id, slug="gardening",
                                                     name="Gardening")).id,
            "location": (53.4794, -2.2453),
            "places": 1,
        },
        publish=True,
    )  # fmt: skip

    async def errors(opportunity: Any, as_: Person | None = None) -> list[tuple[str, str]]:
        data = await gql(
            APPLY,
            {"input": {"opportunityId": gid("Opportunity", opportunity.id)}},
            as_=as_ or world.paola,
        )
        return [(e["code"], e["field"]) for e in data["applyToPartnerOpportunity"]["errors"]]

    before = await _counts(pair)
    # no link at all
    assert await errors(garden) == [("NO_LINK", "opportunityId")]
    mine, _theirs = await pair.link(categories=["gardening"])
    before = await _counts(pair)
    # a category the link does not carry, an unpublished one, one of her own hub
    assert await errors(cooking) == [("CATEGORY_NOT_ALLOWED", "opportunityId")]
    assert await errors(draft) == [("NOT_FOUND", "opportunityId")]
    assert await errors(at_home) == [("INVALID", "opportunityId")]
    # a paused link (either side)
    await HubLink.filter(pair=mine.pair).update(status=LinkStatus.PAUSED)
    assert await errors(garden) == [("LINK_NOT_ACTIVE", "opportunityId")]
    listed = await gql(PARTNER_LIST, {"slug": pair.other.slug, "first": 5}, as_=world.paola)
    assert listed["partnerOpportunities"]["edges"] == []
    await HubLink.filter(pair=mine.pair).update(status=LinkStatus.ACTIVE)
    # then: nothing written anywhere (no guest, no application, no audit row)
    assert await _counts(pair) == before
    # a guest suspended by B's moderators applies no more, enters no more
    assert await errors(garden) == []
    guest = await _guest(world)
    await Member.filter(id=guest.id).update(status=MemberStatus.SUSPENDED)
    other = await world.post("gardening")
    before = await _counts(pair)
    assert await errors(other) == [("SUSPENDED", None)]
    entered = await gql(ENTER, {"input": {"partnerHubSlug": pair.other.slug}}, as_=world.paola)
    assert entered["enterPartnerHub"]["errors"][0]["code"] == "SUSPENDED"
    assert await _counts(pair) == before
    # entering a hub where one never applied
    stranger = await make_person(display_name="Sam")
    entered = await gql(ENTER, {"input": {"partnerHubSlug": pair.other.slug}}, as_=stranger)
    assert entered["enterPartnerHub"]["errors"][0]["code"] == "NOT_A_GUEST"


async def test_a_guest_may_do_only_what_the_policy_table_marks_for_guests(
    gql: Any, world: World
) -> None:
    # given: Paola's guest session in B, with an accepted application
    pair = world.pair
    await pair.link()
    opportunity = await world.post()
    application = await guests.apply(actor=actor(world.paola), opportunity_id=opportunity.id)
    entered = (await gql(ENTER, {"input": {"partnerHubSlug": pair.other.slug}}, as_=world.paola))[
        "enterPartnerHub"
    ]
    headers = bearer(entered["session"]["accessToken"])
    # when / then: what a guest may not do in B answers FORBIDDEN, and changes nothing
    forbidden = [
        (
            "mutation($i: PayMemberInput!) { payMember(input: $i) { errors { code } } }",
            {"i": {"payeeId": world.olga.gid, "amount": 1, "idempotencyKey": "k" * 20}},
        ),
        (
            "mutation($i: ApplyToOpportunityInput!) { applyToOpportunity(input: $i)"
            " { errors { code } } }",
            {"i": {"opportunityId": gid("Opportunity", (await world.post()).id)}},
        ),
        (
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i)"
            " { errors { code } } }",
            {"i": {"name": "Guest Org", "kind": "CHARITY"}},
        ),
        (
            "mutation($i: ApplyToPartnerOpportunityInput!) { applyToPartnerOpportunity(input: $i)"
            " { errors { code } } }",
            {"i": {"opportunityId": gid("Opportunity", opportunity.id)}},
        ),
    ]
    before = await _counts(pair)
    for document, variables in forbidden:
        body = await gql.raw(document, variables, headers=headers)
        payload = next(iter(body["data"].values()))
        assert payload["errors"][0]["code"] == "FORBIDDEN", (document, body)
    body = await gql.raw("{ myStatement(first: 5) { edges { node { amount } } } }", headers=headers)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await _counts(pair) == before
    # and what a guest may do: read their applications, withdraw
    mine = await gql("{ myApplications(first: 5) { edges { node { id status } } } }",
                     headers=headers)  # fmt: skip
    assert mine["myApplications"]["edges"][0]["node"]["id"] == gid("Application", application.id)
    withdrawn = await gql(
        "mutation($i: WithdrawApplicationInput!) { withdrawApplication(input: $i)"
        " { application { status } errors { code } } }",
        {"i": {"applicationId": gid("Application", application.id)}},
        headers=headers,
    )
    assert withdrawn["withdrawApplication"]["application"]["status"] == "WITHDRAWN"


async def test_partner_opportunities_cost_the_same_statements_at_any_page_size(
    gql: Any, world: World
) -> None:
    # given: twelve opportunities in B and an active link
    await world.pair.link()
    for _ in range(12):
        await world.post()

    async def statements(first: int) -> tuple[int, int]:
        variables = {"slug": world.pair.other.slug, "first": first}
        await gql(PARTNER_LIST, variables, as_=world.paola)  # warm the caches
        with count_sql() as counter:
            data = await gql(PARTNER_LIST, variables, as_=world.paola)
        return len(counter.statements), len(data["partnerOpportunities"]["edges"])

    # when / then: 2 and 10 rows cost one statement each
    assert await statements(2) == (1, 2)
    assert await statements(10) == (1, 10)
    # and the pages follow one another without repeats
    first = await gql(PARTNER_LIST, {"slug": world.pair.other.slug, "first": 5}, as_=world.paola)
    after = first["partnerOpportunities"]["pageInfo"]["endCursor"]
    rest = await gql(
        PARTNER_LIST,
        {"slug": world.pair.other.slug, "first": 20, "after": after},
        as_=world.paola,
    )
    ids = [e["node"]["id"] for e in first["partnerOpportunities"]["edges"]] + [
        e["node"]["id"] for e in rest["partnerOpportunities"]["edges"]
    ]
    assert len(ids) == len(set(ids)) == 12
    assert rest["partnerOpportunities"]["pageInfo"]["hasNextPage"] is False


async def test_export_and_erasure_of_the_member_cover_their_guest_account(world: World) -> None:
    # given: Paola applied as a guest of B, with a message
    pair = world.pair
    await pair.link()
    opportunity = await world.post()
    await guests.apply(
        actor=actor(world.paola), opportunity_id=opportunity.id, message="Paola here, 0161 555"
    )
    guest = await _guest(world)
    # when: she exports her data at home
    data = await export.collect(world.paola.member)
    # then: her guest account in B and its rows are in it
    [account] = data["guest_accounts"]
    assert account["member"]["id"] == guest.id and account["member"]["hub_id"] == pair.other.id
    assert account["tables"]["application"][0]["message"] == "Paola here, 0161 555"
    assert "guest account in hub" in export.render_html(data)
    # when: she erases her account at home
    await erasure.erase_account(actor=actor(world.paola), confirm="ERASE")
    # then: the guest account in B is erased with it
    guest = await Member.get(id=guest.id)
    assert guest.display_name == PSEUDONYM and guest.erased_at is not None
    assert (await Application.get(applicant_id=guest.id)).message == ""
    assert not await Member.filter(hub_id=pair.other.id, display_name="Paola").exists()


async def test_suspension_at_home_ends_the_guest_session(gql: Any, world: World) -> None:
    # given: Paola's guest session in B
    pair = world.pair
    await pair.link()
    await guests.apply(actor=actor(world.paola), opportunity_id=(await world.post()).id)
    entered = await gql(ENTER, {"input": {"partnerHubSlug": pair.other.slug}}, as_=world.paola)
    headers = bearer(entered["enterPartnerHub"]["session"]["accessToken"])
    mine = "{ myApplications(first: 5) { edges { node { id } } } }"
    assert len((await gql(mine, headers=headers))["myApplications"]["edges"]) == 1
    # when: A's moderator suspends her at home
    moderator = await create_person(hub=pair.hub, roles=[Role.MODERATOR])
    async with in_transaction():
        await suspensions.suspend(
            actor=actor(moderator, Role.MODERATOR), member_id=world.paola.member.id, reason="x"
        )
    await asyncio.sleep(0.1)  # the cache hears of it after the commit
    # then: the guest session ends with it
    body = await gql.raw(mine, headers=headers)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
