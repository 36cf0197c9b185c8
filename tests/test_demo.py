"""The demo hub: loads once, a second load changes nothing, and its admin can sign in."""

from typing import Any

import h3

from app.audit.models import AuditEvent
from app.demo import ADMIN_EMAIL, DEMO_HUB_SLUG, DEMO_PASSWORD, load_demo_hub
from app.hubs.models import Hub
from app.organisations.models import Organisation, OrganisationMember, OrganisationRole
from app.people.models import Member, MemberRole, MemberSkill, Role, Skill

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

TABLES = (Hub, Member, MemberRole, Skill, MemberSkill, Organisation, OrganisationMember, AuditEvent)


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
    # when
    await load_demo_hub()
    # then: not one row more or different
    assert await _snapshot() == first

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
