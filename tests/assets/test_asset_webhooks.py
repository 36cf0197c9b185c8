"""Webhooks of shared assets: asset.listed and giveaway.rehomed are delivered signed (verified
with the standardwebhooks library), name their objects by global IDs a hub admin resolves,
carry the README's fields and nothing private; each listing is its own event."""

from typing import Any

from standardwebhooks.webhooks import Webhook

from app.assets.models import Asset
from app.ids import global_id
from app.opportunities import geo
from app.people.models import Role
from tests.assets.conftest import MANCHESTER, gid
from tests.assets.test_giveaways import CHOOSE, CONFIRM, REQUEST
from tests.helpers import Person
from tests.integrations.test_webhooks import (  # noqa: F401  (the receiver fixture)
    CREATE,
    NODE,
    Receiver,
    _documented,
    receiver,
)

PRIVATE = {
    "address": "12 Quiet Lane",
    "contact_details": "Ring 07700 900123",
    "message": "my private note to the owner",
}
CREATE_ASSET = """
mutation Create($input: CreateAssetInput!) { createAsset(input: $input) { asset { id } errors { code } } }"""
WITHDRAW = """
mutation W($input: WithdrawAssetInput!) { withdrawAsset(input: $input) { errors { code } } }"""
PUBLISH = """
mutation P($input: PublishAssetInput!) { publishAsset(input: $input) { errors { code } } }"""
MESSAGE = """query($id: ID!) { node(id: $id) { ... on GiveawayRequest { message } } }"""


def _fields(furniture: Any, title: str) -> dict[str, Any]:
    return {
        "kind": "GIVEAWAY",
        "title": title,
        "assetCategoryId": gid("AssetCategory", furniture.id),
        "location": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]},
        "address": PRIVATE["address"],
        "contactDetails": PRIVATE["contact_details"],
    }


async def test_a_listing_and_a_rehoming_are_delivered_signed_with_global_ids(
    gql: Any,
    alice: Person,
    make_person: Any,
    furniture: Any,
    run_jobs: Any,
    receiver: Receiver,  # noqa: F811
) -> None:
    # given: an endpoint for both asset events
    admin = await make_person(roles=[Role.HUB_ADMIN])
    bob = await make_person(display_name="Bob")
    created = await gql(
        CREATE,
        {
            "input": {
                "url": receiver.url,
                "eventTypes": ["asset.listed", "giveaway.rehomed"],
            }
        },
        as_=admin,
    )
    secret = created["createWebhookEndpoint"]["secret"]
    # when: Alice lists a desk; Bob asks for it, is chosen, and both confirm the handover
    listed = await gql(
        CREATE_ASSET,
        {"input": {"fields": _fields(furniture, "Oak desk"), "publish": True}},
        as_=alice,
    )
    asset_id = listed["createAsset"]["asset"]["id"]
    await run_jobs()  # the snapshot is taken when the event is sent: the listing as it was
    await run_jobs()
    asked = await gql(
        REQUEST, {"input": {"assetId": asset_id, "message": PRIVATE["message"]}}, as_=bob
    )
    request_id = asked["requestGiveaway"]["giveawayRequest"]["id"]
    await gql(CHOOSE, {"input": {"giveawayRequestId": request_id}}, as_=alice)
    for person in (bob, alice):
        await gql(CONFIRM, {"input": {"giveawayRequestId": request_id}}, as_=person)
    await run_jobs()
    await run_jobs()
    # then: two requests, each verified with the standardwebhooks library
    events = [Webhook(secret).verify(body, headers) for headers, body in receiver.requests]
    assert [e["type"] for e in events] == ["asset.listed", "giveaway.rehomed"]
    for _, body in receiver.requests:
        text = body.decode()
        assert [k for k, v in PRIVATE.items() if v in text] == [] and '"lat"' not in text
    asset = await Asset.get(title="Oak desk", hub_id=alice.member.hub_id)  # type: ignore[attr-defined]
    listed_event, rehomed_event = events
    assert listed_event["data"] == {
        "asset": {
            "id": asset_id,
            "kind": "GIVEAWAY",
            "status": "LISTED",
            "title": "Oak desk",
            "category": "furniture",
            "quantity": 1,
            "areaCell": geo.public_cell(asset.cell8),
            "ownerKind": "MEMBER",
            "ownerMemberId": alice.gid,
            "ownerOrganisationId": None,
            "listedAt": asset.listed_at.isoformat() if asset.listed_at else None,
        }
    }
    snapshot = rehomed_event["data"]["giveawayRequest"]
    assert snapshot == {
        "id": request_id,
        "status": "HANDED_OVER",
        "quantity": 1,
        "assetId": asset_id,
        "requesterId": bob.gid,
        "requesterOrganisationId": None,
        "handedOverAt": snapshot["handedOverAt"],
    }
    assert snapshot["handedOverAt"] is not None
    # then: the README's table lists exactly these fields
    documented = _documented()
    for event in events:
        key, fields = documented[event["type"]]
        assert list(event["data"]) == [key]
        assert sorted(event["data"][key]) == sorted(fields)
    # then: every ID resolves through node(id:) for a hub admin (the message stays private)
    types = {"asset": "Asset", "giveawayRequest": "GiveawayRequest", "assetId": "Asset"}
    types |= {"ownerMemberId": "Member", "requesterId": "Member"}
    resolved = 0
    for event in events:
        [(key, data)] = event["data"].items()
        for name, value in data.items():
            if (name == "id" or name.endswith("Id")) and value is not None:
                node = (await gql(NODE, {"id": value}, as_=admin))["node"]
                assert node == {"__typename": types[key if name == "id" else name], "id": value}
                resolved += 1
    assert resolved == 5
    assert (await gql(MESSAGE, {"id": request_id}, as_=admin))["node"] == {"message": ""}
    assert (await gql(MESSAGE, {"id": request_id}, as_=alice))["node"] == {
        "message": PRIVATE["message"]
    }
    assert global_id("Asset", asset.id) == asset_id


async def test_each_listing_of_an_asset_is_its_own_event(
    gql: Any,
    alice: Person,
    make_person: Any,
    furniture: Any,
    run_jobs: Any,
    receiver: Receiver,  # noqa: F811
) -> None:
    # given
    admin = await make_person(roles=[Role.HUB_ADMIN])
    created = await gql(
        CREATE, {"input": {"url": receiver.url, "eventTypes": ["asset.listed"]}}, as_=admin
    )
    secret = created["createWebhookEndpoint"]["secret"]
    listed = await gql(
        CREATE_ASSET,
        {"input": {"fields": _fields(furniture, "Bookcase"), "publish": True}},
        as_=alice,
    )
    asset_id = listed["createAsset"]["asset"]["id"]
    # when: withdrawn and listed again
    await gql(WITHDRAW, {"input": {"assetId": asset_id}}, as_=alice)
    await gql(PUBLISH, {"input": {"assetId": asset_id}}, as_=alice)
    await run_jobs()
    await run_jobs()
    # then: two deliveries under two webhook ids, both about the asset
    assert len(receiver.requests) == 2
    ids = {headers["webhook-id"] for headers, _ in receiver.requests}
    assert len(ids) == 2
    events = [Webhook(secret).verify(body, headers) for headers, body in receiver.requests]
    assert {e["data"]["asset"]["id"] for e in events} == {asset_id}
