"""opportunity.skill_ids, the copy of an opportunity's skills the feed ranks with (migrations/0024):
kept equal to opportunity_skill by the database, whoever writes the links, also when two
transactions write the same opportunity's links at once."""

import asyncio
from typing import Any

import asyncpg
from tortoise import Tortoise

from app import ids
from app.opportunities.models import OpportunitySkill
from app.people.models import Skill
from schema.relay import encode_id

CREATE = """
mutation Create($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id skills { name } } errors { code field } }
}"""
UPDATE = """
mutation Update($input: UpdateOpportunityInput!) {
  updateOpportunity(input: $input) { opportunity { id skills { name } } errors { code field } }
}"""


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def skill_ids(opportunity_id: int) -> tuple[list[int], list[int]]:
    """(opportunity.skill_ids, the opportunity's links in opportunity_skill, sorted)."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT o.skill_ids, ARRAY(SELECT l.skill_id FROM opportunity_skill l"
        " WHERE l.opportunity_id = o.id ORDER BY l.skill_id) AS links"
        " FROM opportunity o WHERE o.id = $1",
        [opportunity_id],
    )
    return list(rows[0]["skill_ids"]), list(rows[0]["links"])


async def three_skills(hub: Any) -> list[Skill]:
    return [
        await Skill.create(hub_id=hub.id, slug=slug, name=slug.title())
        for slug in ("driving", "cooking", "sewing")
    ]


async def test_the_api_s_create_and_edit_keep_skill_ids_equal_to_the_links(
    gql: Any, hub: Any, alice: Any, category: Any
) -> None:
    # given
    driving, cooking, sewing = await three_skills(hub)
    fields = {
        "kind": "REQUEST",
        "title": "Lifts to the clinic",
        "categoryId": gid("Category", category.id),
        "skillIds": [gid("Skill", sewing.id), gid("Skill", driving.id)],
    }
    # when
    created = (await gql(CREATE, {"input": {"fields": fields}}, as_=alice))["createOpportunity"]
    # then
    assert created["errors"] == []
    opportunity_id = ids.db_id(ids.parse(created["opportunity"]["id"])[1])
    assert await skill_ids(opportunity_id) == (
        sorted([driving.id, sewing.id]),
        sorted([driving.id, sewing.id]),
    )
    # when: the poster changes the skills
    edit = {
        "opportunityId": created["opportunity"]["id"],
        "fields": {"skillIds": [gid("Skill", cooking.id)]},
    }
    updated = (await gql(UPDATE, {"input": edit}, as_=alice))["updateOpportunity"]
    # then
    assert updated["errors"] == [] and updated["opportunity"]["skills"] == [{"name": "Cooking"}]
    assert await skill_ids(opportunity_id) == ([cooking.id], [cooking.id])
    # when: and removes them all
    edit["fields"] = {"skillIds": []}
    assert (await gql(UPDATE, {"input": edit}, as_=alice))["updateOpportunity"]["errors"] == []
    # then
    assert await skill_ids(opportunity_id) == ([], [])


async def test_any_writer_of_the_links_keeps_skill_ids(hub: Any, alice: Any, post: Any) -> None:
    # given: an opportunity without skills and one with a skill
    driving, cooking, sewing = await three_skills(hub)
    bare = await post(alice, title="Bare")
    other = await post(alice, title="Other", skill_ids=[sewing.id])
    assert await skill_ids(bare.id) == ([], [])
    # when: links written by the ORM, one by one and in bulk, and by raw SQL
    await OpportunitySkill.create(hub_id=hub.id, opportunity_id=bare.id, skill_id=driving.id)
    await OpportunitySkill.bulk_create(
        [OpportunitySkill(hub_id=hub.id, opportunity_id=bare.id, skill_id=cooking.id)]
    )
    # then
    assert await skill_ids(bare.id) == (sorted([driving.id, cooking.id]),) * 2
    # when: a link changes its skill, another moves to the other opportunity
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        "UPDATE opportunity_skill SET skill_id = $1 WHERE opportunity_id = $2 AND skill_id = $3",
        [sewing.id, bare.id, driving.id],
    )
    await conn.execute_query(
        "UPDATE opportunity_skill SET opportunity_id = $1 WHERE opportunity_id = $2"
        " AND skill_id = $3",
        [other.id, bare.id, cooking.id],
    )
    # then: both opportunities follow
    assert await skill_ids(bare.id) == ([sewing.id], [sewing.id])
    assert await skill_ids(other.id) == (sorted([sewing.id, cooking.id]),) * 2
    # when: links deleted
    await OpportunitySkill.filter(opportunity_id=other.id).delete()
    # then
    assert await skill_ids(other.id) == ([], [])
    assert await skill_ids(bare.id) == ([sewing.id], [sewing.id])


async def test_two_transactions_adding_links_to_one_opportunity_at_once_keep_both(
    database: str, hub: Any, alice: Any, post: Any
) -> None:
    # given: an opportunity, and two connections that each add one skill in a transaction
    driving, cooking, _ = await three_skills(hub)
    opportunity = await post(alice)
    url = database.replace("postgres://", "postgresql://", 1)
    first, second = await asyncpg.connect(url), await asyncpg.connect(url)
    insert = "INSERT INTO opportunity_skill (hub_id, opportunity_id, skill_id, created_at) VALUES ($1, $2, $3, now())"
    try:
        one, two = first.transaction(), second.transaction()
        await one.start()
        await two.start()
        await first.execute(insert, hub.id, opportunity.id, driving.id)
        # when: the second writes while the first has not committed, then the first commits
        writing = asyncio.create_task(second.execute(insert, hub.id, opportunity.id, cooking.id))
        waited = await _waits_for_a_lock(first, second.get_server_pid())
        await one.commit()
        await writing
        await two.commit()
    finally:
        await first.close()
        await second.close()
    # then: the second waited for the first, and the copy has both skills
    assert waited
    assert await skill_ids(opportunity.id) == (sorted([driving.id, cooking.id]),) * 2


async def _waits_for_a_lock(observer: asyncpg.Connection, pid: int) -> bool:
    for _ in range(200):
        waiting = await observer.fetchval(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
        )
        if waiting:
            return True
        await asyncio.sleep(0.01)
    return False


async def test_keeping_skill_ids_reads_the_links_through_an_index(
    database: str, hub: Any, alice: Any, post: Any
) -> None:
    """The trigger reads an opportunity's links by hub first (0055): by opportunity alone no
    index bounds the read, and every link written scanned the whole of opportunity_skill (80 ms
    a publish at a million links). auto_explain hands the trigger's own plans to the client."""
    # given: sequential scans off, so the planner takes an index wherever one can serve
    driving, cooking, _ = await three_skills(hub)
    opportunity = await post(alice, title="Indexed", skill_ids=[driving.id])
    conn = await asyncpg.connect(database.replace("postgres://", "postgresql://", 1))
    plans: list[str] = []
    conn.add_log_listener(lambda _, message: plans.append(str(message)))
    try:
        for setting in (
            "LOAD 'auto_explain'",
            "SET auto_explain.log_min_duration = 0",
            "SET auto_explain.log_nested_statements = on",
            "SET auto_explain.log_level = 'notice'",
            "SET enable_seqscan = off",
        ):
            await conn.execute(setting)
        # when: a link is written, then one removed
        await conn.execute(
            "INSERT INTO opportunity_skill (created_at, hub_id, opportunity_id, skill_id)"
            " VALUES (now(), $1, $2, $3)",
            hub.id,
            opportunity.id,
            cooking.id,
        )
        await conn.execute(
            "DELETE FROM opportunity_skill WHERE hub_id = $1 AND opportunity_id = $2"
            " AND skill_id = $3",
            hub.id,
            opportunity.id,
            driving.id,
        )
    finally:
        await conn.close()
    # then: kept, and each trigger's read of the links bounded by the unique index
    assert await skill_ids(opportunity.id) == ([cooking.id], [cooking.id])
    kept = [p for p in plans if "SET skill_ids = ARRAY" in p]
    assert len(kept) == 2, plans
    for plan in kept:
        reads = [line for line in plan.splitlines() if "on opportunity_skill l" in line]
        assert reads and all("opportunity_skill_uniq" in r for r in reads), plan
        assert "Index Cond: ((hub_id = o.hub_id) AND (opportunity_id = o.id))" in plan, plan
