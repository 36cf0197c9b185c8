"""Listing, editing, publishing and withdrawing assets through the API: as a member, for an
organisation, for the hub; who sees what; only the owner side edits."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.assets.models import Asset, AssetStatus
from app.assets.sharing_models import Booking, GiveawayRequest, Loan
from app.audit.models import AuditEvent
from app.organisations import service as organisations
from app.people.models import Role
from tests.assets.conftest import MANCHESTER, actor_of, gid
from tests.helpers import Person

ASSET_FIELDS = """
  id kind status ownerKind title description photos condition quantity weightKg areaName
  areaCell requiresApproval openingHours { weekday opens closes } minMinutes maxMinutes
  noticeMinutes cancelNoticeMinutes audience requiredChecks priceCredits depositCredits
  listedAt location { lat lng } address contactDetails heldReason viewerCanManage
  category { slug } ownerMember { displayName } ownerOrganisation { name }"""
CREATE = f"""
mutation Create($input: CreateAssetInput!) {{
  createAsset(input: $input) {{ asset {{ {ASSET_FIELDS} }} errors {{ code field message }} }}
}}"""
UPDATE = """
mutation Update($input: UpdateAssetInput!) {
  updateAsset(input: $input) {
    asset { id title status kind quantity priceCredits openingHours { weekday opens closes } }
    errors { code field message }
  }
}"""
PUBLISH = """
mutation Publish($input: PublishAssetInput!) {
  publishAsset(input: $input) { asset { status listedAt } errors { code field message } }
}"""
WITHDRAW = """
mutation Withdraw($input: WithdrawAssetInput!) {
  withdrawAsset(input: $input) { asset { status withdrawnAt } errors { code field message } }
}"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    ... on Asset { title status areaCell location { lat } address contactDetails heldReason
                   viewerCanManage }
  }
}"""
MY_ASSETS = """
query Mine($status: AssetStatus) {
  myAssets(first: 50, status: $status) { edges { node { title ownerKind } } }
}"""


def _fields(category: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "BOOKABLE",
        "title": "Community centre meeting room",
        "description": "Seats 12, projector, step-free access.",
        "assetCategoryId": gid("AssetCategory", category.id),
        "location": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]},
        "address": "2 Hall Lane",
        "contactDetails": "ring the bell",
        "areaName": "Ancoats",
        "openingHours": [
            {"weekday": "TUE", "opens": "09:00", "closes": "12:00"},
            {"weekday": "TUE", "opens": "12:00", "closes": "17:30"},
            {"weekday": "SAT", "opens": "10:00", "closes": "24:00"},
        ],
        "minMinutes": 30,
        "maxMinutes": 240,
        "noticeMinutes": 60,
        "priceCredits": 30,
        "photos": ["https://example.org/room.jpg"],
    } | extra


async def test_a_member_drafts_an_asset_then_lists_it(
    gql: Any, hub: Any, alice: Person, spaces: Any
) -> None:
    # when
    data = await gql(CREATE, {"input": {"fields": _fields(spaces)}}, as_=alice)
    created = data["createAsset"]
    # then
    assert created["errors"] == []
    asset = created["asset"]
    assert (asset["status"], asset["kind"], asset["ownerKind"]) == ("DRAFT", "BOOKABLE", "MEMBER")
    assert asset["ownerMember"] == {"displayName": "Alice"}
    assert asset["location"] == {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}  # the owner's own
    assert asset["viewerCanManage"] is True and asset["category"] == {"slug": "spaces"}
    # touching windows of a day are one window; 24:00 is midnight
    assert asset["openingHours"] == [
        {"weekday": "TUE", "opens": "09:00", "closes": "17:30"},
        {"weekday": "SAT", "opens": "10:00", "closes": "24:00"},
    ]
    assert (asset["priceCredits"], asset["requiresApproval"], asset["audience"]) == (
        30,
        True,
        "ANYONE",
    )
    assert asset["areaCell"] and asset["listedAt"] is None
    # when
    published = await gql(PUBLISH, {"input": {"assetId": asset["id"]}}, as_=alice)
    # then
    assert published["publishAsset"]["errors"] == []
    assert published["publishAsset"]["asset"]["status"] == "LISTED"
    assert published["publishAsset"]["asset"]["listedAt"]
    actions = await AuditEvent.filter(hub_id=hub.id, object_type="Asset").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["asset.create", "asset.publish"]


async def test_a_giveaway_listed_at_once_for_an_organisation_by_its_staff(
    gql: Any, alice: Person, make_person: Any, furniture: Any
) -> None:
    # given: bob is staff of alice's charity
    bob = await make_person(display_name="Bob")
    charity = await organisations.create_organisation(
        actor=actor_of(alice), name="Ancoats Food Bank", kind="charity"
    )
    await organisations.add_member(
        actor=actor_of(alice), organisation_id=charity.id, member_id=bob.member.id, role="staff"
    )
    fields = {
        "kind": "GIVEAWAY",
        "title": "Office chairs",
        "assetCategoryId": gid("AssetCategory", furniture.id),
        "quantity": 6,
        "weightKg": 12.5,
        "condition": "GOOD",
        "location": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]},
    }
    # when
    data = await gql(
        CREATE,
        {
            "input": {
                "fields": fields,
                "organisationId": gid("Organisation", charity.id),
                "publish": True,
            }
        },
        as_=bob,
    )
    # then
    asset = data["createAsset"]["asset"]
    assert data["createAsset"]["errors"] == []
    assert (asset["status"], asset["ownerKind"], asset["ownerMember"]) == (
        "LISTED",
        "ORGANISATION",
        None,
    )
    assert asset["ownerOrganisation"] == {"name": "Ancoats Food Bank"}
    assert (asset["quantity"], asset["weightKg"], asset["condition"]) == (6, 12.5, "GOOD")
    # alice (the charity's owner) manages it too, and finds it among her assets
    seen = await gql(NODE, {"id": asset["id"]}, as_=alice)
    assert seen["node"]["viewerCanManage"] is True and seen["node"]["address"] == ""
    mine = await gql(MY_ASSETS, {}, as_=alice)
    assert mine["myAssets"]["edges"] == [
        {"node": {"title": "Office chairs", "ownerKind": "ORGANISATION"}}
    ]
    # a member outside it cannot list for it
    carol = await make_person()
    refused = await gql(
        CREATE,
        {"input": {"fields": fields, "organisationId": gid("Organisation", charity.id)}},
        as_=carol,
    )
    assert refused["createAsset"]["errors"][0]["code"] == "FORBIDDEN"
    assert refused["createAsset"]["errors"][0]["field"] == "organisationId"


async def test_the_hubs_public_assets_are_listed_by_hub_admins_and_asset_managers(
    gql: Any, make_person: Any, spaces: Any
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    manager = await make_person(roles=[Role.ASSET_MANAGER])
    member = await make_person()
    variables = {"input": {"fields": _fields(spaces, title="Town hall"), "forHub": True}}
    # when
    listed = await gql(CREATE, variables, as_=manager)
    refused = await gql(CREATE, variables, as_=member)
    # then
    asset = listed["createAsset"]["asset"]
    assert asset["ownerKind"] == "HUB" and asset["ownerMember"] is None
    assert refused["createAsset"]["errors"] == [
        {
            "code": "FORBIDDEN",
            "field": "forHub",
            "message": "Only hub admins and asset managers list the hub's assets.",
        }
    ]
    # the other admin manages it (and it is in their list); the member does not
    for person, manages in ((admin, True), (manager, True), (member, False)):
        node = (await gql(NODE, {"id": asset["id"]}, as_=person))["node"]
        assert (node is not None and node["viewerCanManage"]) is manages
    mine = await gql(MY_ASSETS, {}, as_=admin)
    assert mine["myAssets"]["edges"] == [{"node": {"title": "Town hall", "ownerKind": "HUB"}}]
    both = {**variables["input"], "organisationId": gid("Organisation", 1)}
    wrong = await gql(CREATE, {"input": both}, as_=admin)
    assert wrong["createAsset"]["errors"][0]["code"] == "INVALID"


async def test_the_owner_side_edits_within_what_the_state_allows(
    gql: Any, alice: Person, list_asset: Any
) -> None:
    # given: a listed giveaway
    desk = await list_asset(alice)
    asset_id = gid("Asset", desk.id)
    # when
    changed = await gql(
        UPDATE,
        {"input": {"assetId": asset_id, "fields": {"title": "Oak desk and chair", "quantity": 2}}},
        as_=alice,
    )
    # then
    assert changed["updateAsset"]["errors"] == []
    assert changed["updateAsset"]["asset"]["title"] == "Oak desk and chair"
    assert changed["updateAsset"]["asset"]["quantity"] == 2
    # the kind is fixed once listed; a giveaway has no price; a listed one keeps its place
    for fields, code, field in (
        ({"kind": "LOAN"}, "NOT_EDITABLE", "kind"),
        ({"priceCredits": 10}, "INVALID", "priceCredits"),
        ({"location": None}, "INVALID", "location"),
        ({"title": None}, "INVALID", "title"),
    ):
        refused = await gql(UPDATE, {"input": {"assetId": asset_id, "fields": fields}}, as_=alice)
        assert [(e["code"], e["field"]) for e in refused["updateAsset"]["errors"]] == [
            (code, field)
        ], fields
    # while a draft, the kind may change (and with it what fits)
    draft = await list_asset(alice, publish=False, title="Drill")
    made_loan = await gql(
        UPDATE,
        {
            "input": {
                "assetId": gid("Asset", draft.id),
                "fields": {"kind": "LOAN", "depositCredits": 50},
            }
        },
        as_=alice,
    )
    assert made_loan["updateAsset"]["errors"] == []
    assert made_loan["updateAsset"]["asset"]["kind"] == "LOAN"


async def test_only_the_owner_side_edits_publishes_or_withdraws(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given
    desk = await list_asset(alice)
    before = await Asset.get(id=desk.id)
    bob = await make_person()
    admin = await make_person(roles=[Role.HUB_ADMIN, Role.MODERATOR, Role.ASSET_MANAGER])
    asset_id = gid("Asset", desk.id)
    # when / then: a stranger, and the hub's staff (a member's asset is not the hub's)
    for person in (bob, admin):
        for document, name, extra in (
            (UPDATE, "updateAsset", {"fields": {"title": "Mine now"}}),
            (WITHDRAW, "withdrawAsset", {}),
            (PUBLISH, "publishAsset", {}),
        ):
            data = await gql(document, {"input": {"assetId": asset_id, **extra}}, as_=person)
            assert data[name]["errors"][0]["code"] == "FORBIDDEN", (person, name)
    after = await Asset.get(id=desk.id)
    assert (after.title, after.status, after.updated_at) == (
        before.title,
        before.status,
        before.updated_at,
    )


async def test_withdraw_and_list_again(gql: Any, alice: Person, list_asset: Any) -> None:
    # given
    desk = await list_asset(alice)
    asset_id = gid("Asset", desk.id)
    # when
    withdrawn = await gql(WITHDRAW, {"input": {"assetId": asset_id}}, as_=alice)
    twice = await gql(WITHDRAW, {"input": {"assetId": asset_id}}, as_=alice)
    relisted = await gql(PUBLISH, {"input": {"assetId": asset_id}}, as_=alice)
    # then
    assert withdrawn["withdrawAsset"]["asset"]["status"] == "WITHDRAWN"
    assert withdrawn["withdrawAsset"]["asset"]["withdrawnAt"]
    assert twice["withdrawAsset"]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert relisted["publishAsset"]["asset"]["status"] == "LISTED"


async def test_withdrawing_waits_for_agreed_handovers_loans_and_bookings(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given: a chosen giveaway request, a running loan, an upcoming booking
    bob = await make_person()
    now = datetime.now(UTC)
    desk, drill = await list_asset(alice), await list_asset(alice, kind="loan", title="Drill")
    room = await list_asset(alice, kind="bookable", title="Room", category_id=spaces.id)
    await GiveawayRequest.create(
        hub_id=hub.id, asset_id=desk.id, requester_id=bob.member.id, status="chosen"
    )
    await Loan.create(
        hub_id=hub.id,
        asset_id=drill.id,
        borrower_id=bob.member.id,
        starts_at=now,
        due_at=now + timedelta(days=3),
        status="on_loan",
    )
    await Booking.create(
        hub_id=hub.id,
        asset_id=room.id,
        booker_id=bob.member.id,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        status="pending",
    )
    # when / then
    for asset in (desk, drill, room):
        data = await gql(WITHDRAW, {"input": {"assetId": gid("Asset", asset.id)}}, as_=alice)
        assert data["withdrawAsset"]["errors"][0]["code"] == "HAS_COMMITMENTS"
        assert (await Asset.get(id=asset.id)).status == AssetStatus.LISTED
    # a booking in the past holds nothing back
    await Booking.filter(asset_id=room.id).update(
        starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2, minutes=-30)
    )
    data = await gql(WITHDRAW, {"input": {"assetId": gid("Asset", room.id)}}, as_=alice)
    assert data["withdrawAsset"]["errors"] == []


async def test_drafts_are_for_the_owner_side_and_moderators(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given
    draft = await list_asset(alice, publish=False)
    bob = await make_person()
    moderator = await make_person(roles=[Role.MODERATOR])
    admin = await make_person(roles=[Role.HUB_ADMIN])
    variables = {"id": gid("Asset", draft.id)}
    # when / then
    assert (await gql(NODE, variables, as_=alice))["node"]["status"] == "DRAFT"
    assert (await gql(NODE, variables, as_=moderator))["node"]["status"] == "DRAFT"
    for person in (bob, admin):
        assert (await gql(NODE, variables, as_=person))["node"] is None
    assert (await gql(NODE, variables, headers={"CH-Hub": hub.slug}))["node"] is None
    # and drafts never show in search
    listed = await gql("{ assets(first: 10) { edges { node { id } } } }", as_=alice)
    assert listed["assets"]["edges"] == []


async def test_the_exact_place_and_contact_are_for_the_owner_side_and_accepted_people(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given: a room; bob's booking is pending, then confirmed; carol only looks
    room = await list_asset(alice, kind="bookable", title="Room", category_id=spaces.id)
    bob, carol = await make_person(), await make_person()
    variables = {"id": gid("Asset", room.id)}
    starts = datetime.now(UTC) + timedelta(days=1)
    booking = await Booking.create(
        hub_id=hub.id,
        asset_id=room.id,
        booker_id=bob.member.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        status="pending",
    )
    # when
    pending = (await gql(NODE, variables, as_=bob))["node"]
    bystander = (await gql(NODE, variables, as_=carol))["node"]
    anonymous = (await gql(NODE, variables, headers={"CH-Hub": hub.slug}))["node"]
    await Booking.filter(id=booking.id).update(status="confirmed")
    confirmed = (await gql(NODE, variables, as_=bob))["node"]
    # then
    for hidden in (pending, bystander, anonymous):
        assert hidden["areaCell"] and hidden["location"] is None
        assert hidden["address"] is None and hidden["contactDetails"] is None
    assert confirmed["location"] == {"lat": MANCHESTER[0]}
    assert confirmed["address"] == "1 Market Street"
    assert confirmed["contactDetails"] == "call 0161 000 0000"
    assert confirmed["viewerCanManage"] is False


async def test_other_hubs_see_and_change_nothing(
    gql: Any, hub: Any, other_hub: Any, alice: Person, list_asset: Any
) -> None:
    from tests.helpers import create_person

    # given
    desk = await list_asset(alice)
    outsider = await create_person(hub=other_hub, roles=[Role.HUB_ADMIN, Role.ASSET_MANAGER])
    before = await Asset.get(id=desk.id)
    asset_id = gid("Asset", desk.id)
    # when / then: not by ID, not in search (even naming this hub), not by mutation
    assert (await gql(NODE, {"id": asset_id}, as_=outsider))["node"] is None
    for headers in ({}, {"CH-Hub": hub.slug}):
        found = await gql(
            "{ assets(first: 10) { edges { node { id } } } }", as_=outsider, headers=headers
        )
        assert found["assets"]["edges"] == []
    data = await gql(
        UPDATE, {"input": {"assetId": asset_id, "fields": {"title": "Taken"}}}, as_=outsider
    )
    assert data["updateAsset"]["errors"][0]["code"] == "NOT_FOUND"
    data = await gql(WITHDRAW, {"input": {"assetId": asset_id}}, as_=outsider)
    assert data["withdrawAsset"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await Asset.get(id=desk.id)).updated_at == before.updated_at
