"""The demo hub: loads once, a second load changes nothing, its admin can sign in, and it is
alive: categories, open requests and offers near each other, a voucher offer, a saved search
and some history (accepted applications, verified hours and their credits, a payment)."""

from typing import Any

import h3

from app.audit.models import AuditEvent
from app.credits.models import (
    Account,
    Entry,
    IdempotencyKey,
    Transfer,
    TransferKind,
    VoucherOffer,
)
from app.demo import ADMIN_EMAIL, DEMO_HUB_SLUG, DEMO_PASSWORD, load_demo_hub
from app.hubs.models import Hub
from app.jobs.models import OutboxJob
from app.matching.models import SavedSearch
from app.opportunities.categories import DEFAULT_CATEGORIES
from app.opportunities.models import Application, Category, Opportunity, OpportunitySkill
from app.organisations.models import Organisation, OrganisationMember, OrganisationRole
from app.people.models import Member, MemberRole, MemberSkill, Role, Skill
from app.portfolios.models import HoursRecord, HoursStatus, Review

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken member { displayName } errors { code field message } }
}"""
VIEWER_ORGANISATIONS = """
query {
  viewer { displayName }
  organisations(first: 10) {
    edges { node { slug kind viewerRole members(first: 5) { edges { node { role } } } } }
  }
}"""

NEAR_THE_CENTRE = """
query Near {
  opportunities(first: 50, filter: {near: {lat: 53.4808, lng: -2.2426}, withinKm: 2}) {
    edges { node { title kind status distanceKm category { slug } } }
  }
  voucherOffers(first: 10) { edges { node { title cost active organisation { name } } } }
}"""
BENS_DAY = """
query BensDay {
  hoursToVerify(first: 10) { edges { node { minutes volunteer { displayName } } } }
  hoursToVerifyCount
}"""
CHLOES_CREDITS = """
query ChloesCredits {
  myCredits { balance }
  myStatement(first: 10) {
    edges { node { amount category counterparty { kind member { displayName } } } }
  }
  portfolio { totalMinutes ratings { count } }
}"""

TABLES = (
    Hub,
    Member,
    MemberRole,
    Skill,
    MemberSkill,
    Organisation,
    OrganisationMember,
    AuditEvent,
    Category,
    Opportunity,
    OpportunitySkill,
    Application,
    HoursRecord,
    Review,
    Account,
    Transfer,
    Entry,
    IdempotencyKey,
    VoucherOffer,
    SavedSearch,
)


async def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the demo hub (and the hub itself), as plain tuples."""
    hub = await Hub.get(slug=DEMO_HUB_SLUG)
    found: dict[str, list[tuple[Any, ...]]] = {}
    for model in TABLES:
        query = model.filter(id=hub.id) if model is Hub else model.filter(hub_id=hub.id)
        rows = await query.order_by("id").values()
        found[model.__name__] = [tuple(sorted(r.items())) for r in rows]
    return found


async def test_loading_twice_changes_nothing_and_the_admin_can_sign_in(gql: Any) -> None:
    # given: loaded once (other tests may have loaded it already: it is idempotent)
    await load_demo_hub()
    first = await _snapshot()
    jobs = await OutboxJob.all().count()
    # when
    await load_demo_hub()
    # then: not one row more or different, and no job queued
    assert await _snapshot() == first
    assert await OutboxJob.all().count() == jobs

    # and: what was promised is there
    hub = await Hub.get(slug=DEMO_HUB_SLUG)
    assert (hub.name, hub.timezone) == ("Demo City", "Europe/London")
    members = await Member.filter(hub_id=hub.id)
    assert len(members) >= 9
    assert all(m.email_verified_at is not None for m in members)
    located = [m for m in members if m.home_cell]
    assert len(located) >= 6
    for m in located:
        lat, lng = m.home_lat or 0.0, m.home_lng or 0.0
        assert m.home_cell == h3.latlng_to_cell(lat, lng, 8)
        assert 53.3 < lat < 53.6 and -2.4 < lng < -2.1  # around Manchester
    roles = set(await MemberRole.filter(hub_id=hub.id).values_list("role", flat=True))
    assert {Role.HUB_ADMIN, Role.MODERATOR, Role.COORDINATOR, Role.MEMBER} <= roles
    assert await MemberSkill.filter(hub_id=hub.id).count() >= 6
    kinds = set(await Organisation.filter(hub_id=hub.id).values_list("kind", flat=True))
    assert len(kinds) >= 4
    staff = await OrganisationMember.filter(hub_id=hub.id, role=OrganisationRole.STAFF).count()
    assert staff >= 3

    # when: the demo admin signs in through GraphQL
    creds = {"hubSlug": DEMO_HUB_SLUG, "email": ADMIN_EMAIL, "password": DEMO_PASSWORD}
    login = (await gql(LOGIN, {"input": creds}))["login"]
    # then
    assert login["errors"] == []
    assert login["member"] == {"displayName": "Demo Admin"}
    data = await gql(
        VIEWER_ORGANISATIONS, headers={"Authorization": f"Bearer {login['accessToken']}"}
    )
    assert data["viewer"] == {"displayName": "Demo Admin"}
    by_slug = {e["node"]["slug"]: e["node"] for e in data["organisations"]["edges"]}
    assert by_slug["manchester-community-libraries"]["viewerRole"] == "OWNER"
    # a hub admin sees who runs every organisation
    assert all(node["members"]["edges"] for node in by_slug.values())


async def _sign_in(gql: Any, email: str) -> dict[str, str]:
    creds = {"hubSlug": DEMO_HUB_SLUG, "email": email, "password": DEMO_PASSWORD}
    login = (await gql(LOGIN, {"input": creds}))["login"]
    assert login["errors"] == []
    return {"Authorization": f"Bearer {login['accessToken']}"}


async def test_the_demo_is_alive(gql: Any) -> None:
    # given
    await load_demo_hub()
    hub = await Hub.get(slug=DEMO_HUB_SLUG)
    # then: the default categories
    slugs = set(await Category.filter(hub_id=hub.id).values_list("slug", flat=True))
    assert {slug for slug, _ in DEFAULT_CATEGORIES} <= slugs

    # when: an app opens on the city centre, signed out
    near = await gql(NEAR_THE_CENTRE, headers={"CH-Hub": DEMO_HUB_SLUG})
    # then: open requests and offers within 2 km, and a voucher offer
    listed = [e["node"] for e in near["opportunities"]["edges"]]
    kinds = [n["kind"] for n in listed]
    assert kinds.count("REQUEST") >= 2 and kinds.count("OFFER") >= 2, listed
    assert all(n["status"] == "PUBLISHED" and n["distanceKm"] <= 2 for n in listed)
    assert len({n["category"]["slug"] for n in listed}) >= 3
    [coffee] = [e["node"] for e in near["voucherOffers"]["edges"]]
    assert coffee["active"] and coffee["organisation"] == {"name": "Northern Quarter Coffee"}

    # and: history
    amina = await Member.get(hub_id=hub.id, email="amina@example.org")
    assert await SavedSearch.exists(hub_id=hub.id, member_id=amina.id)
    assert await Application.filter(hub_id=hub.id, status="accepted").count() >= 2
    assert await HoursRecord.filter(hub_id=hub.id, status=HoursStatus.VERIFIED).count() >= 2
    earned = await Transfer.filter(hub_id=hub.id, kind=TransferKind.EARN).count()
    assert earned == await HoursRecord.filter(hub_id=hub.id, status="verified").count()
    assert await Transfer.exists(hub_id=hub.id, kind=TransferKind.EXCHANGE)
    assert await Review.exists(hub_id=hub.id)

    # when: Ben (who runs the food bank) and Chloe (who volunteered there) sign in
    ben = await gql(BENS_DAY, headers=await _sign_in(gql, "ben@example.org"))
    chloe = await gql(CHLOES_CREDITS, headers=await _sign_in(gql, "chloe@example.org"))
    # then: hours wait for Ben; Chloe earned credits, paid Dev, and has a portfolio
    assert ben["hoursToVerifyCount"] >= 1
    assert ben["hoursToVerify"]["edges"][0]["node"]["volunteer"] == {"displayName": "Ella"}
    lines = [e["node"] for e in chloe["myStatement"]["edges"]]
    assert {"amount": -30, "category": "digital"}.items() <= lines[0].items()
    assert lines[0]["counterparty"] == {"kind": "MEMBER", "member": {"displayName": "Dev"}}
    assert {line["category"] for line in lines[1:]} == {"volunteering"}
    assert chloe["myCredits"]["balance"] == sum(line["amount"] for line in lines) > 0
    assert chloe["portfolio"]["totalMinutes"] >= 120
    assert chloe["portfolio"]["ratings"]["count"] >= 1
