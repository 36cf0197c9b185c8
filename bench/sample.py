"""What the scenarios act with: members sampled from the generated hub, signed in.

Runs in the load process through the project's own code (Tortoise on the bench database):
sessions and access tokens are opened by `auth.open_session`, as `login` does after the password.
"""

import random
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise

from app.auth import service as auth
from app.people.models import Member
from schema.relay import encode_id


@dataclass
class Sample:
    hub_id: int
    hub_slug: str
    hub_zone: str = "Europe/London"
    members: list[str] = field(default_factory=list)  # access tokens of random members
    posters: list[tuple[str, str]] = field(default_factory=list)  # (token, opportunity id)
    open_ids: list[str] = field(default_factory=list)  # open opportunities taking applicants
    payers: list[str] = field(default_factory=list)  # tokens of members with credit
    payees: list[str] = field(default_factory=list)  # member ids
    category_ids: list[str] = field(default_factory=list)
    skill_ids: list[str] = field(default_factory=list)


async def _rows(sql: str, *params: Any) -> list[dict[str, Any]]:
    return await Tortoise.get_connection("default").execute_query_dict(sql, list(params))


async def _sign_in(member_ids: list[int]) -> dict[int, str]:
    members = await Member.filter(id__in=set(member_ids))
    return {m.id: (await auth.open_session(member=m, user_agent="bench"))[0] for m in members}


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


async def sample(size: int, seed: int = 11) -> Sample:
    """`size` members of each kind, picked with a seeded generator (the same each run)."""
    rng = random.Random(seed)
    hub = (await _rows("SELECT id, slug, timezone FROM hub ORDER BY id LIMIT 1"))[0]
    hub_id = hub["id"]
    top = (await _rows("SELECT max(id) AS n FROM member WHERE hub_id = $1", hub_id))[0]["n"]
    top_opportunity = (await _rows("SELECT max(id) AS n FROM opportunity"))[0]["n"]
    members = sorted({rng.randint(1, top) for _ in range(size)})
    rich = [  # enough credit for a run of payments of 1
        r["member_id"]
        for r in await _rows(
            "SELECT member_id FROM account WHERE hub_id = $1 AND kind = 'member'"
            " AND balance - held >= 100 ORDER BY md5(member_id::text) LIMIT $2",
            hub_id,
            size,
        )
    ]
    poster_rows = await _rows(
        "SELECT o.id, o.poster_id FROM opportunity o WHERE o.hub_id = $1"
        " AND o.status = 'published' AND o.id = ANY($2::bigint[])"
        " AND EXISTS (SELECT 1 FROM application a WHERE a.opportunity_id = o.id)",
        hub_id,
        [rng.randint(1, top_opportunity) for _ in range(size * 40)],
    )
    open_rows = await _rows(
        "SELECT id FROM opportunity WHERE hub_id = $1 AND status = 'published'"
        " AND expires_at > now() + interval '1 day' AND accepted_count < places"
        " ORDER BY published_at DESC LIMIT $2",
        hub_id,
        size * 10,
    )
    signed = await _sign_in(members + rich + [r["poster_id"] for r in poster_rows[:size]])
    return Sample(
        hub_id=hub_id,
        hub_slug=hub["slug"],
        hub_zone=hub["timezone"],
        members=[signed[m] for m in members],
        posters=[(signed[r["poster_id"]], gid("Opportunity", r["id"])) for r in poster_rows[:size]],
        open_ids=[gid("Opportunity", r["id"]) for r in open_rows],
        payers=[signed[m] for m in rich],
        payees=[gid("Member", m) for m in members],
        category_ids=[
            gid("Category", r["id"])
            for r in await _rows("SELECT id FROM category WHERE hub_id = $1", hub_id)
        ],
        skill_ids=[
            gid("Skill", r["id"])
            for r in await _rows("SELECT id FROM skill WHERE hub_id = $1", hub_id)
        ],
    )
