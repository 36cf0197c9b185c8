"""The moderators' queue: one case per reported object, most severe first then oldest, Relay
pages, a constant number of statements however many cases, moderators and hub admins only."""

from typing import Any

from tests.helpers import count_sql
from tests.moderation.conftest import QUEUE, report


async def test_the_queue_groups_by_object_and_orders_by_severity_then_age(
    gql: Any, hub: Any, make_person: Any, moderator: Any
) -> None:
    # given: three reported members; the middle one twice, once for safeguarding
    a, b, c = [await make_person(display_name=n) for n in ("A", "B", "C")]
    r1, r2 = await make_person(), await make_person()
    await report(gql, r1, a.gid, "SPAM")
    await report(gql, r1, b.gid, "SPAM")
    await report(gql, r2, b.gid, "SAFEGUARDING", "He asked my child to meet alone")
    await report(gql, r2, c.gid, "SPAM")
    # when
    data = await gql(QUEUE, {"first": 10}, as_=moderator)
    # then: B first (severity 5, two reports), then A and C oldest first
    nodes = [e["node"] for e in data["moderationQueue"]["edges"]]
    assert [(n["objectId"], n["severity"], n["reportCount"]) for n in nodes] == [
        (b.gid, 5, 2),
        (a.gid, 1, 1),
        (c.gid, 1, 1),
    ]
    assert [r["reason"] for r in nodes[0]["reports"]] == ["SPAM", "SAFEGUARDING"]
    assert [r["reporter"]["id"] for r in nodes[0]["reports"]] == [r1.gid, r2.gid]
    assert nodes[0]["member"] == {"id": b.gid, "displayName": "B"}
    assert {n["target"] for n in nodes} == {"MEMBER"}


async def test_the_queue_pages(gql: Any, make_person: Any, moderator: Any) -> None:
    # given
    reporter = await make_person()
    people = [await make_person(display_name=f"P{i}") for i in range(3)]
    for person in people:
        await report(gql, reporter, person.gid)
    # when
    first = await gql(QUEUE, {"first": 2}, as_=moderator)
    cursor = first["moderationQueue"]["pageInfo"]["endCursor"]
    second = await gql(QUEUE, {"first": 2, "after": cursor}, as_=moderator)
    # then
    ids = [e["node"]["objectId"] for e in first["moderationQueue"]["edges"]]
    ids += [e["node"]["objectId"] for e in second["moderationQueue"]["edges"]]
    assert ids == [p.gid for p in people]
    assert first["moderationQueue"]["pageInfo"]["hasNextPage"] is True
    assert second["moderationQueue"]["pageInfo"]["hasNextPage"] is False


async def test_the_queue_costs_the_same_statements_for_two_or_eight_cases(
    gql: Any, make_person: Any, moderator: Any
) -> None:
    # given
    reporters = [await make_person(), await make_person()]

    async def statements() -> int:
        with count_sql() as sql:
            await gql(QUEUE, {"first": 20}, as_=moderator)
        return len(sql.statements)

    for _ in range(2):
        target = await make_person()
        for reporter in reporters:
            await report(gql, reporter, target.gid)
    few = await statements()
    for _ in range(6):
        target = await make_person()
        for reporter in reporters:
            await report(gql, reporter, target.gid)
    # when
    many = await statements()
    # then: no statement per case (reports, actions, members come in batches)
    assert many == few, (few, many)
    assert few <= 8


async def test_only_moderators_and_hub_admins_read_the_queue(
    gql: Any, alice: Any, admin: Any, bob: Any
) -> None:
    # given
    await report(gql, alice, bob.gid)
    # when
    refused = await gql.raw(QUEUE, {"first": 5}, as_=alice)
    allowed = await gql(QUEUE, {"first": 5}, as_=admin)
    # then
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert len(allowed["moderationQueue"]["edges"]) == 1
