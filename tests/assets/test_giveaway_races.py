"""Giveaways under concurrent requests against PostgreSQL (asyncio.gather of real GraphQL
requests): units are never over-given, a handover completes once, an item is rehomed once."""

import asyncio
from typing import Any

from app.assets.impact_models import ImpactRecord
from app.assets.models import Asset, AssetStatus
from app.assets.sharing_models import GiveawayRequest, GiveawayRequestStatus
from app.matching.models import Notification, NotificationKind
from tests.assets.conftest import gid
from tests.assets.test_giveaways import CHOOSE, CONFIRM, REQUEST
from tests.helpers import Person

RACERS = 20


async def _requests(gql: Any, asset: Asset, people: list[Person]) -> list[dict[str, Any]]:
    answers = await asyncio.gather(
        *(
            gql(REQUEST, {"input": {"assetId": gid("Asset", asset.id)}}, as_=person)
            for person in people
        )
    )
    return [a["requestGiveaway"] for a in answers]


async def _all(gql: Any, document: str, calls: list[tuple[Person, str]]) -> list[dict[str, Any]]:
    answers = await asyncio.gather(
        *(
            gql(document, {"input": {"giveawayRequestId": request_id}}, as_=person)
            for person, request_id in calls
        )
    )
    return [next(iter(a.values())) for a in answers]


def _codes(payloads: list[dict[str, Any]]) -> list[str]:
    return sorted(e["code"] for p in payloads for e in p["errors"])


async def test_twenty_requests_for_the_last_unit_end_with_one_rehoming(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: the last desk, and 20 members who all ask for it at once
    desk = await list_asset(alice, title="Last desk")
    people = [await make_person(display_name=f"Racer {n}") for n in range(RACERS)]
    asked = await _requests(gql, desk, people)
    assert _codes(asked) == []
    ids = [a["giveawayRequest"]["id"] for a in asked]
    # when: the owner chooses all 20 at once
    chosen = await _all(gql, CHOOSE, [(alice, i) for i in ids])
    # then: exactly one is chosen; the others find nothing left
    assert _codes(chosen) == ["NOTHING_LEFT"] * (RACERS - 1)
    winner = next(i for i, c in zip(ids, chosen, strict=True) if not c["errors"])
    receiver = people[ids.index(winner)]
    assert (await Asset.get(id=desk.id)).quantity == 0
    # when: both sides confirm ten times each, and every other requester tries too, at once
    calls = [(alice, winner)] * 10 + [(receiver, winner)] * 10
    calls += [(p, i) for p, i in zip(people, ids, strict=True) if i != winner]
    confirmed = await _all(gql, CONFIRM, calls)
    # then: one confirmation per side, one handover, one rehoming, one impact record
    assert _codes(confirmed) == sorted(
        ["ALREADY_CONFIRMED"] * 18 + ["INVALID_TRANSITION"] * (RACERS - 1)
    )
    asset = await Asset.get(id=desk.id)
    assert (asset.status, asset.quantity) == (AssetStatus.REHOMED, 0)
    statuses = await GiveawayRequest.filter(asset_id=desk.id).values_list("status", flat=True)
    assert sorted(statuses) == sorted(
        [GiveawayRequestStatus.HANDED_OVER] + [GiveawayRequestStatus.DECLINED] * (RACERS - 1)
    )
    assert await ImpactRecord.filter(hub_id=hub.id, asset_id=desk.id).count() == 1
    told = Notification.filter(hub_id=hub.id, kind=NotificationKind.GIVEAWAY_DECLINED)
    assert await told.count() == RACERS - 1


async def test_three_units_raced_for_by_twenty_go_to_exactly_three(
    gql: Any, hub: Any, alice: Person, make_person: Any, list_asset: Any
) -> None:
    # given: three chairs, twenty members asking at once
    chairs = await list_asset(alice, title="Chairs", quantity=3)
    people = [await make_person(display_name=f"Racer {n}") for n in range(RACERS)]
    ids = [a["giveawayRequest"]["id"] for a in await _requests(gql, chairs, people)]
    # when: all chosen at once, then the three handovers confirmed at once by both sides
    chosen = await _all(gql, CHOOSE, [(alice, i) for i in ids])
    winners = [i for i, c in zip(ids, chosen, strict=True) if not c["errors"]]
    assert len(winners) == 3 and (await Asset.get(id=chairs.id)).quantity == 0
    calls = [(alice, i) for i in winners] + [(people[ids.index(i)], i) for i in winners]
    confirmed = await _all(gql, CONFIRM, calls * 2)
    # then: each handover once; the item rehomed once, when the last one completed
    assert _codes(confirmed) == ["ALREADY_CONFIRMED"] * 6
    asset = await Asset.get(id=chairs.id)
    assert (asset.status, asset.quantity) == (AssetStatus.REHOMED, 0)
    handed = GiveawayRequest.filter(asset_id=chairs.id, status=GiveawayRequestStatus.HANDED_OVER)
    assert await handed.count() == 3
    assert await ImpactRecord.filter(hub_id=hub.id, asset_id=chairs.id).count() == 3
    told = Notification.filter(hub_id=hub.id, kind=NotificationKind.GIVEAWAY_DECLINED)
    assert await told.count() == RACERS - 3
