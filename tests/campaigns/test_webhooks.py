"""Webhooks of campaigns: campaign.tipped and campaign.succeeded of a group buy, and
campaign.cancelled of a project, delivered signed, naming the campaign by the global ID a hub
admin resolves, with the README's fields."""

from datetime import UTC, datetime, timedelta
from typing import Any

from standardwebhooks.webhooks import Webhook

from app.campaigns.models import Campaign
from app.people.models import Role
from tests.campaigns.conftest import fund, gid
from tests.campaigns.test_api import CANCEL, _pledge, _start
from tests.helpers import Person
from tests.integrations.test_webhooks import (  # noqa: F401  (the receiver fixture)
    CREATE,
    NODE,
    Receiver,
    _documented,
    receiver,
)

EVENTS = ["campaign.tipped", "campaign.succeeded", "campaign.failed", "campaign.cancelled"]


async def test_tipped_succeeded_and_cancelled_are_delivered_with_the_readme_fields(
    gql: Any,
    hub: Any,
    alice: Person,
    make_person: Any,
    organisation: Any,
    run_jobs: Any,
    receiver: Receiver,  # noqa: F811
) -> None:
    # given: an endpoint for every campaign event; a group buy tipping at 2 units; a project
    admin = await make_person(roles=[Role.HUB_ADMIN])
    created = await gql(CREATE, {"input": {"url": receiver.url, "eventTypes": EVENTS}}, as_=admin)
    secret = created["createWebhookEndpoint"]["secret"]
    shop = await organisation(alice, "Veg co-op")
    buy = await _start(
        gql,
        alice,
        kind="GROUP_BUY",
        supplierId=gid("Organisation", shop.id),
        unitPrice=4,
        tippingUnits=2,
    )
    project = await _start(gql, alice, title="Mural")
    people = [await make_person(display_name=f"B{n}") for n in range(2)]
    for person in people:
        await fund(hub.id, person.member.id, 50)
        assert (await _pledge(gql, person, buy, units=1))["errors"] == []
    await run_jobs()
    # when: the buy's deadline passes and its settlement runs; the project is cancelled
    await Campaign.filter(kind="group_buy", hub_id=hub.id).update(
        deadline=datetime.now(UTC) - timedelta(seconds=1)
    )
    from app.campaigns import settlement

    await settlement.settle((await Campaign.get(kind="group_buy", hub_id=hub.id)).id)
    await gql(CANCEL, {"input": {"campaignId": project}}, as_=alice)
    await run_jobs()
    await run_jobs()
    # then: three events, signed; each carries exactly the README's fields
    events = [Webhook(secret).verify(body, headers) for headers, body in receiver.requests]
    assert sorted(e["type"] for e in events) == sorted(
        ["campaign.tipped", "campaign.succeeded", "campaign.cancelled"]
    )
    documented = _documented()
    for event in events:
        key, fields = documented[event["type"]]
        assert list(event["data"]) == [key]
        assert sorted(event["data"][key]) == sorted(fields), event
    by_type = {e["type"]: e["data"]["campaign"] for e in events}
    assert by_type["campaign.tipped"]["id"] == buy and by_type["campaign.tipped"]["units"] == 2
    assert by_type["campaign.succeeded"]["status"] == "SUCCEEDED"
    assert by_type["campaign.succeeded"]["supplierId"] == gid("Organisation", shop.id)
    assert by_type["campaign.cancelled"]["id"] == project
    # and a hub admin resolves every id
    for snapshot in by_type.values():
        found = await gql(NODE, {"id": snapshot["id"]}, as_=admin)
        assert found["node"] == {"__typename": "Campaign", "id": snapshot["id"]}
