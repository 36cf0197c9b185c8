"""WANTED matching end to end: a listing published through the API, a real arq worker (burst
mode) runs the asset.listed subscriber, and the authors of the notices it fits (category,
reach, kind, audience) are told once per notice and listing, explained, in the app and by
email; listing it again tells nobody twice."""

from typing import Any

import h3

from app.actor import Actor
from app.assets import service, wanted
from app.assets.errors import AssetErrorCode
from app.assets.models import Asset, AssetCategory, WantedNotice
from app.jobs.models import OutboxJob
from app.matching.models import Notification, NotificationKind
from app.opportunities import geo
from app.organisations import service as organisations
from app.people.models import CheckKind, CheckStatus, Role, TrustCheck
from schema.relay import decode_id
from tests.assets.conftest import LEEDS, MANCHESTER, SALFORD, actor_of, gid
from tests.helpers import Person, read_mail

CREATE = """
mutation Create($input: CreateAssetInput!) {
  createAsset(input: $input) { asset { id status } errors { code } }
}"""
WITHDRAW = """
mutation Withdraw($input: WithdrawAssetInput!) { withdrawAsset(input: $input) { errors { code } } }"""
PUBLISH = """
mutation Publish($input: PublishAssetInput!) { publishAsset(input: $input) { errors { code } } }"""
NOTIFICATIONS = """
query Told {
  notifications(first: 10) {
    edges { node { kind title reason delivery asset { title } wantedNotice { title } } }
  }
}"""


async def _notice(
    person: Person, category: AssetCategory, title: str, **extra: Any
) -> WantedNotice:
    return await wanted.create_notice(
        actor=actor_of(person),
        title=title,
        category_id=category.id,
        **({"location": SALFORD} | extra),
    )


def _km_from_listing(point: tuple[float, float]) -> str:
    """The distance the reason gives: from the centre of the listing's resolution-8 cell."""
    centre = h3.cell_to_latlng(h3.latlng_to_cell(*MANCHESTER, 8))
    return f"{geo.distance_km(centre[0], centre[1], point[0], point[1]):.1f}"


async def test_a_new_listing_tells_the_authors_of_the_notices_it_fits_once(
    gql: Any, hub: Any, alice: Person, make_person: Any, furniture: AssetCategory, run_jobs: Any
) -> None:
    # given: Bob wants an office desk within 5 km of Salford; others want other things
    books = await AssetCategory.get(hub_id=hub.id, slug="books")
    bob, carol, dave, erin, fay = [
        await make_person(display_name=n) for n in ("Bob", "Carol", "Dave", "Erin", "Fay")
    ]
    await _notice(bob, furniture, "office desk", within_km=5)
    await _notice(carol, books, "children's books")  # another category
    await _notice(dave, furniture, "a desk in Leeds", location=LEEDS, within_km=10)  # too far
    await _notice(erin, furniture, "a desk to borrow", kind="loan")  # another kind
    closed = await _notice(fay, furniture, "a desk, found one")
    await wanted.close_notice(actor=actor_of(fay), notice_id=closed.id)
    await _notice(alice, furniture, "my own notice")  # the lister's own
    fields = {
        "kind": "GIVEAWAY",
        "title": "Oak desk",
        "assetCategoryId": gid("AssetCategory", furniture.id),
        "location": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]},
    }
    # when: Alice lists a desk and a worker runs the jobs
    created = await gql(CREATE, {"input": {"fields": fields, "publish": True}}, as_=alice)
    asset_id = created["createAsset"]["asset"]["id"]
    await run_jobs()
    # then: Bob alone is told, with why
    told = (await gql(NOTIFICATIONS, as_=bob))["notifications"]["edges"]
    km = _km_from_listing(SALFORD)
    assert [e["node"] for e in told] == [
        {
            "kind": "WANTED_MATCH",
            "title": "Oak desk",
            "reason": f"“Oak desk”, {km} km away, matches your wanted notice “office desk”",
            "delivery": "NOW",
            "asset": {"title": "Oak desk"},
            "wantedNotice": {"title": "office desk"},
        }
    ]
    assert 2.5 < float(km) < 4.0
    for person in (carol, dave, erin, fay, alice):
        assert (await gql(NOTIFICATIONS, as_=person))["notifications"]["edges"] == []
    mail = read_mail(bob.email, "Found for your wanted notice: Oak desk")
    assert len(mail) == 1
    assert "matches your wanted notice “office desk”" in mail[0].get_content()
    # when: the desk is withdrawn and listed again, and the job runs again
    for document in (WITHDRAW, PUBLISH):
        assert (await gql(document, {"input": {"assetId": asset_id}}, as_=alice)) is not None
    await run_jobs()
    listed = OutboxJob.filter(
        name="event:asset.listed:app.assets.wanted.notify_wanted",
        key__startswith=f"event:asset.listed:{_pk(asset_id)}:",
        status="done",
    )
    assert await listed.count() == 2  # listed twice, the subscriber ran twice
    # then: nobody is told twice, no email is sent twice
    assert await Notification.filter(hub_id=hub.id, kind=NotificationKind.WANTED_MATCH).count() == 1
    assert len(read_mail(bob.email, "Found for your wanted notice: Oak desk")) == 1
    # a retried job (as after a crash) changes nothing either
    assert await wanted.notify_wanted(asset_id=_pk(asset_id)) == 0
    assert (
        await OutboxJob.filter(key__startswith="notify:")
        .filter(
            key__in=[
                f"notify:{n}"
                for n in await Notification.filter(hub_id=hub.id).values_list("id", flat=True)
            ]
        )
        .count()
        == 1
    )


def _pk(global_id: str) -> int:
    return decode_id(global_id, "Asset", field="assetId", invalid=AssetErrorCode.INVALID)


async def test_the_listings_audience_decides_whose_notices_it_fits(
    hub: Any, alice: Person, make_person: Any, furniture: AssetCategory
) -> None:
    # given: Bob wants a desk for himself, Carol for her charity, Dave (DBS checked) for himself
    bob, carol, dave = [await make_person(display_name=n) for n in ("Bob", "Carol", "Dave")]
    charity = await organisations.create_organisation(
        actor=actor_of(carol), name="Gorton Pantry", kind="charity"
    )
    await _notice(bob, furniture, "desk for me")
    await _notice(carol, furniture, "desk for the pantry", organisation_id=charity.id)
    await _notice(dave, furniture, "desk for the youth club")
    await TrustCheck.create(
        hub_id=hub.id,
        member_id=dave.member.id,
        kind=CheckKind.DBS_BASIC,
        reference="D-9",
        status=CheckStatus.VERIFIED,
    )
    owner = Actor(member=alice.member, roles=frozenset({Role.MEMBER}))
    base = {"kind": "giveaway", "category_id": furniture.id, "location": MANCHESTER}

    async def told_about(**fields: Any) -> set[str]:
        asset = await service.create_asset(actor=owner, publish=True, fields=base | fields)
        await wanted.notify_wanted(asset_id=asset.id)
        rows = await Notification.filter(asset_id=asset.id).values_list("member_id", flat=True)
        names = {bob.member.id: "Bob", carol.member.id: "Carol", dave.member.id: "Dave"}
        return {names[m] for m in rows}  # type: ignore[index]

    # when / then
    assert await told_about(title="Desk for anyone") == {"Bob", "Carol", "Dave"}
    assert await told_about(title="Desk for groups", audience="organisations") == {"Carol"}
    assert await told_about(
        title="Desk for checked", audience="checked_members", required_checks=["dbs_basic"]
    ) == {"Dave"}


async def test_a_notice_of_the_owners_organisation_is_not_told_about_its_own_listing(
    hub: Any, alice: Person, make_person: Any, furniture: AssetCategory
) -> None:
    # given: Bob staffs Alice's charity and wants a desk; the charity lists one
    bob = await make_person(display_name="Bob")
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Ancoats Food Bank", kind="charity"
    )
    await organisations.add_member(
        actor=actor_of(alice), organisation_id=charity.id, member_id=bob.member.id, role="staff"
    )
    await _notice(bob, furniture, "a desk")
    asset = await service.create_asset(
        actor=actor_of(alice),
        organisation_id=charity.id,
        publish=True,
        fields={
            "kind": "giveaway",
            "title": "Desk",
            "category_id": furniture.id,
            "location": MANCHESTER,
        },
    )
    # when / then
    assert await wanted.notify_wanted(asset_id=asset.id) == 0
    assert not await Asset.filter(id=asset.id, status="rehomed").exists()
