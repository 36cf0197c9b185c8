"""Impact: the hub's totals (over a period), members' and organisations' totals on their
profiles, checked against the impact records underneath; who sees them; the factor table
with its sources and hub admins editing it; no N+1 in lists of profiles."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.assets.categories import DEFAULTS
from app.assets.impact_models import ImpactFactor, ImpactRecord
from app.assets.models import AssetCategory
from app.assets.sharing_models import Booking, GiveawayRequest, Loan
from app.audit.models import AuditEvent
from app.organisations.models import Organisation
from app.people.models import Member, Role
from tests.assets.conftest import actor_of, gid
from tests.helpers import Person, count_sql

HUB_IMPACT = """
query Hub($since: DateTime, $until: DateTime) {
  hubImpact(since: $since, until: $until) {
    shares giveaways loans bookings offSiteShares kilogramsDiverted co2eKilograms
    valueSaved { currency amountMinor }
  }
}"""
TOTALS = "shares giveaways loans bookings kilogramsDiverted co2eKilograms valueSaved { currency amountMinor }"
PROFILE = f"given {{ {TOTALS} }} received {{ {TOTALS} }} total {{ {TOTALS} }}"
MEMBER = f"""
query Member($id: ID!) {{ node(id: $id) {{ ... on Member {{ displayName impact {{ {PROFILE} }} }} }} }}"""
ORGANISATION = f"""
query Organisation($id: ID!) {{
  node(id: $id) {{ ... on Organisation {{ name impact {{ {PROFILE} }} }} }}
}}"""
MEMBERS = f"""
query Members($first: Int!) {{
  members(first: $first) {{ edges {{ node {{ displayName impact {{ {PROFILE} }} }} }} }}
}}"""
ORGANISATIONS = f"""
query Organisations($first: Int!) {{
  organisations(first: $first) {{ edges {{ node {{ name impact {{ {PROFILE} }} }} }} }}
}}"""
FACTORS = """
query Factors {
  impactFactors(first: 50) {
    edges { node { id category { slug } itemWeightKg co2eKgPerKg valuePerItemMinor
                   valuePerHourMinor currency loanSharePct source } }
  }
}"""
UPDATE = """
mutation Update($input: UpdateImpactFactorInput!) {
  updateImpactFactor(input: $input) {
    impactFactor { itemWeightKg co2eKgPerKg valuePerItemMinor currency source }
    errors { code field message }
  }
}"""
JAN, FEB, MAR = (datetime(2026, m, 10, 12, tzinfo=UTC) for m in (1, 2, 3))


class History:
    """Shares between Alice, Bob, Carol and Alice's repair café, written as impact records
    (with the giveaway request, loan or booking each is for)."""

    def __init__(self, hub: Any, alice: Person, bob: Person, carol: Person, cafe: Any) -> None:
        self.hub, self.alice, self.bob, self.carol, self.cafe = hub, alice, bob, carol, cafe

    async def record(
        self,
        asset: Any,
        *,
        owner: Person | None = None,
        owner_org: Any = None,
        to: Person,
        to_org: Any = None,
        at: datetime,
        diverted_g: int = 0,
        co2e_g: int = 0,
        value_minor: int = 0,
        currency: str = "GBP",
    ) -> ImpactRecord:
        hub_id, member = self.hub.id, to.member.id
        cause: dict[str, Any]
        if asset.kind == "giveaway":
            request = await GiveawayRequest.create(
                hub_id=hub_id, asset_id=asset.id, requester_id=member, status="declined"
            )
            cause = {"giveaway_request_id": request.id}
        elif asset.kind == "loan":
            loan = await Loan.create(
                hub_id=hub_id,
                asset_id=asset.id,
                borrower_id=member,
                starts_at=at - timedelta(days=3),
                due_at=at,
                status="declined",
            )
            cause = {"loan_id": loan.id}
        else:
            booking = await Booking.create(
                hub_id=hub_id,
                asset_id=asset.id,
                booker_id=member,
                starts_at=at,
                ends_at=at + timedelta(hours=2),
                status="declined",
            )
            cause = {"booking_id": booking.id}
        return await ImpactRecord.create(
            hub_id=hub_id,
            **cause,
            asset_id=asset.id,
            category_id=asset.category_id,
            quantity=1,
            diverted_g=diverted_g,
            co2e_g=co2e_g,
            value_minor=value_minor,
            currency=currency,
            owner_kind="organisation" if owner_org else "member",
            owner_member_id=None if owner_org else (owner or self.alice).member.id,
            owner_organisation_id=owner_org.id if owner_org else None,
            receiver_member_id=member,
            receiver_organisation_id=to_org.id if to_org else None,
            occurred_at=at,
        )


@pytest.fixture
async def history(hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any) -> Any:
    from app.organisations import service as organisations

    bob, carol = await make_person(display_name="Bob"), await make_person(display_name="Carol")
    cafe = await organisations.create_organisation(
        actor=actor_of(alice), name="Repair café", kind="charity"
    )
    h = History(hub, alice, bob, carol, cafe)
    desk = await list_asset(alice)
    drill = await list_asset(alice, kind="loan", title="Drill", organisation_id=cafe.id)
    room = await list_asset(
        alice, kind="bookable", title="Room", category_id=spaces.id, organisation_id=cafe.id
    )
    # Alice gives Bob a desk (January), the café lends Carol a drill (February), Bob books
    # the café's room for the café itself (March: the café is both sides), Carol gives Bob a
    # desk priced in euros (March)
    await h.record(desk, to=h.bob, at=JAN, diverted_g=30_000, co2e_g=43_500, value_minor=32_000)
    await h.record(drill, owner_org=cafe, to=carol, at=FEB, diverted_g=300, co2e_g=856)
    await h.record(room, owner_org=cafe, to=bob, to_org=cafe, at=MAR, value_minor=2_000)
    carols = await list_asset(carol, title="Pine desk")
    await h.record(
        carols, owner=carol, to=bob, at=MAR, diverted_g=12_000, co2e_g=17_400, value_minor=9_000,
        currency="EUR",
    )  # fmt: skip
    return h


def _expected(records: list[ImpactRecord]) -> dict[str, Any]:
    """The totals the API must show for these records, summed here in Python."""
    money: dict[str, int] = {}
    for r in records:
        money[r.currency] = money.get(r.currency, 0) + r.value_minor
    return {
        "shares": len(records),
        "giveaways": sum(r.giveaway_request_id is not None for r in records),
        "loans": sum(r.loan_id is not None for r in records),
        "bookings": sum(r.booking_id is not None for r in records),
        "kilogramsDiverted": sum(r.diverted_g for r in records) / 1000,
        "co2eKilograms": sum(r.co2e_g for r in records) / 1000,
        "valueSaved": [{"currency": c, "amountMinor": float(v)} for c, v in sorted(money.items())],
    }


async def test_hub_totals_match_the_records_over_any_period(
    gql: Any, hub: Any, other_hub: Any, history: Any
) -> None:
    # given the history, and a share in another hub that must not count
    records = await ImpactRecord.filter(hub_id=hub.id)
    anonymous = {"CH-Hub": hub.slug}
    # when anyone asks for the hub's totals, ever and for February-March
    ever = (await gql(HUB_IMPACT, headers=anonymous))["hubImpact"]
    spring = await gql(
        HUB_IMPACT, {"since": FEB.isoformat(), "until": MAR.isoformat()}, headers=anonymous
    )
    later = await gql(
        HUB_IMPACT, {"since": (MAR + timedelta(days=1)).isoformat()}, headers=anonymous
    )
    elsewhere = await gql(HUB_IMPACT, headers={"CH-Hub": other_hub.slug})
    # then they are the sums of the records in that period
    assert ever == _expected(records) | {"offSiteShares": 0}
    assert ever["shares"] == 4 and ever["kilogramsDiverted"] == 42.3
    assert ever["valueSaved"] == [
        {"currency": "EUR", "amountMinor": 9000.0},
        {"currency": "GBP", "amountMinor": 34000.0},
    ]
    february = [r for r in records if FEB <= r.occurred_at < MAR]
    assert spring["hubImpact"] == _expected(february) | {"offSiteShares": 0}
    assert later["hubImpact"]["shares"] == 0 and later["hubImpact"]["valueSaved"] == []
    assert elsewhere["hubImpact"]["shares"] == 0


async def test_profiles_show_what_each_side_gave_and_received(
    gql: Any, hub: Any, history: Any
) -> None:
    h = history
    records = await ImpactRecord.filter(hub_id=hub.id)
    # when Carol reads Bob's profile and anyone the café's
    bob = (await gql(MEMBER, {"id": gid("Member", h.bob.member.id)}, as_=h.carol))["node"]
    cafe = (
        await gql(
            ORGANISATION, {"id": gid("Organisation", h.cafe.id)}, headers={"CH-Hub": hub.slug}
        )
    )["node"]
    alice = (await gql(MEMBER, {"id": gid("Member", h.alice.member.id)}, as_=h.bob))["node"]
    # then each side's totals are the sums of its records
    bobs = [r for r in records if r.receiver_member_id == h.bob.member.id]
    assert bob["impact"]["received"] == _expected(bobs)
    assert bob["impact"]["given"]["shares"] == 0 and bob["impact"]["total"] == _expected(bobs)
    given = [r for r in records if r.owner_organisation_id == h.cafe.id]
    received = [r for r in records if r.receiver_organisation_id == h.cafe.id]
    assert cafe["impact"]["given"] == _expected(given)
    assert cafe["impact"]["received"] == _expected(received)
    # and a share in which the café is both sides counts once in its total
    assert cafe["impact"]["total"] == _expected(given)
    assert cafe["impact"]["total"]["shares"] == 2
    alices = [r for r in records if r.owner_member_id == h.alice.member.id]
    assert alice["impact"]["given"] == _expected(alices)
    assert alice["impact"]["given"]["kilogramsDiverted"] == 30.0


async def test_a_members_impact_is_for_signed_in_members_of_the_hub(
    gql: Any, hub: Any, history: Any
) -> None:
    # when someone not signed in reads Bob's and the café's profiles
    anonymous = {"CH-Hub": hub.slug}
    bob = await gql.raw(MEMBER, {"id": gid("Member", history.bob.member.id)}, headers=anonymous)
    cafe = await gql(ORGANISATION, {"id": gid("Organisation", history.cafe.id)}, headers=anonymous)
    # then Bob's impact is hidden, the café's shown
    assert bob["data"]["node"]["displayName"] == "Bob" and bob["data"]["node"]["impact"] is None
    assert cafe["node"]["impact"]["total"]["shares"] == 2


@pytest.fixture
async def crowd(hub: Any, history: Any) -> Any:
    """110 more members and organisations, every other one with a share each way."""
    await Member.bulk_create(
        [Member(hub_id=hub.id, display_name=f"M{n:03}", email=f"m{n}@x.org") for n in range(110)]
    )
    await Organisation.bulk_create(
        [
            Organisation(hub_id=hub.id, slug=f"org-{n}", name=f"Org {n:03}", kind="charity")
            for n in range(110)
        ]
    )
    members = await Member.filter(hub_id=hub.id, display_name__startswith="M")
    orgs = await Organisation.filter(hub_id=hub.id, slug__startswith="org-")
    desk = await AssetCategory.get(hub_id=hub.id, slug="furniture")
    from app.assets import service

    asset = await service.create_asset(
        actor=actor_of(history.alice),
        publish=True,
        fields={"kind": "giveaway", "title": "Chair", "category_id": desk.id,
                "location": (53.48, -2.24)},
    )  # fmt: skip
    for member, org in list(zip(members, orgs, strict=True))[::2]:
        person = Person(member=member, token="", refresh_token="", email="")
        await history.record(asset, to=person, to_org=org, at=JAN, diverted_g=1000, co2e_g=1450)
    return history


async def test_lists_of_profiles_run_the_same_statements_for_5_and_100(
    gql: Any, hub: Any, make_person: Any, crowd: Any
) -> None:
    # given a hub admin (who may list members)
    admin = await make_person(roles=[Role.HUB_ADMIN])

    async def statements(query: str, first: int, **kwargs: Any) -> tuple[int, Any]:
        with count_sql() as counter:
            data = await gql(query, {"first": first}, **kwargs)
        return len(counter.statements), data

    await gql(ORGANISATIONS, {"first": 1}, headers={"CH-Hub": hub.slug})  # caches the hub
    # when the members and the organisations are listed, 5 and 100 at a time
    m5, _ = await statements(MEMBERS, 5, as_=admin)
    m100, members = await statements(MEMBERS, 100, as_=admin)
    o5, _ = await statements(ORGANISATIONS, 5, headers={"CH-Hub": hub.slug})
    o100, orgs = await statements(ORGANISATIONS, 100, headers={"CH-Hub": hub.slug})
    # then the impact of a whole page costs one statement, whatever its size
    assert len(members["members"]["edges"]) == 100 and len(orgs["organisations"]["edges"]) == 100
    assert m5 == m100 and o5 == o100, (m5, m100, o5, o100)
    with count_sql() as counter:
        await gql(MEMBERS.replace(f"impact {{ {PROFILE} }}", ""), {"first": 100}, as_=admin)
    assert m100 == len(counter.statements) + 1
    # and every profile shows its own records
    shown = {
        e["node"]["displayName"]: e["node"]["impact"]["received"]["shares"]
        for e in members["members"]["edges"]
    }
    records = await ImpactRecord.filter(hub_id=hub.id).prefetch_related("receiver_member")
    for record in records:
        name = record.receiver_member.display_name  # type: ignore[union-attr]
        if name in shown and name.startswith("M"):
            assert shown[name] == 1


async def test_the_factor_table_names_its_sources_and_hub_admins_edit_it(
    gql: Any, hub: Any, alice: Person, make_person: Any
) -> None:
    # given the default factors every hub starts with
    admin = await make_person(roles=[Role.HUB_ADMIN])
    factors = (await gql(FACTORS, headers={"CH-Hub": hub.slug}))["impactFactors"]["edges"]
    by_slug = {e["node"]["category"]["slug"]: e["node"] for e in factors}
    assert set(by_slug) == {d.slug for d in DEFAULTS}
    assert all(node["source"] for node in by_slug.values())
    sofa = by_slug["furniture"]
    assert (sofa["itemWeightKg"], sofa["co2eKgPerKg"], sofa["valuePerItemMinor"]) == (
        37.0,
        1.45,
        32_000,
    )
    assert "WRAP" in sofa["source"]
    # when a member tries to change one, and a hub admin changes it without and with a source
    variables = {"impactFactorId": sofa["id"], "co2eKgPerKg": 1.05}
    member = await gql(UPDATE, {"input": variables}, as_=alice)
    unsourced = await gql(UPDATE, {"input": variables}, as_=admin)
    bad = await gql(
        UPDATE,
        {"input": {**variables, "itemWeightKg": -1, "currency": "pounds", "source": "x"}},
        as_=admin,
    )
    source = "WRAP (2011) sofas, preparation for reuse: 1.05 t CO2e per t"
    done = await gql(UPDATE, {"input": {**variables, "source": source}}, as_=admin)
    # then only the admin's sourced change is made, and audited
    assert [e["code"] for e in member["updateImpactFactor"]["errors"]] == ["FORBIDDEN"]
    assert [(e["code"], e["field"]) for e in unsourced["updateImpactFactor"]["errors"]] == [
        ("INVALID", "source")
    ]
    assert {e["field"] for e in bad["updateImpactFactor"]["errors"]} == {"itemWeightKg", "currency"}
    assert done["updateImpactFactor"] == {
        "impactFactor": {
            "itemWeightKg": 37.0,
            "co2eKgPerKg": 1.05,
            "valuePerItemMinor": 32_000,
            "currency": "GBP",
            "source": source,
        },
        "errors": [],
    }
    category = await AssetCategory.get(hub_id=hub.id, slug="furniture")
    stored = await ImpactFactor.get(hub_id=hub.id, category_id=category.id)
    assert stored.co2e_g_per_kg == 1050 and stored.updated_by_id == admin.member.id
    assert await AuditEvent.filter(hub_id=hub.id, action="impact_factor.update").count() == 1
