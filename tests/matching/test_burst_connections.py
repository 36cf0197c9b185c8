"""A burst's matching jobs in one process share the database pool with the batch they wait for:
the batch's candidates are found on connections of their own (CH_MATCHING_PARTS), so the jobs
waiting for the hub's turn must not hold every connection meanwhile."""

import asyncio
import time
from typing import Any

import pytest

from app.config import get_settings
from app.matching import service as matching
from app.matching.models import MatchedOpportunity
from app.people import profile, skills
from tests.opportunities.conftest import MANCHESTER, SALFORD, actor_of


async def test_more_jobs_at_once_than_the_pool_has_connections_do_not_stall_the_batch(
    alice: Any, make_person: Any, post: Any, skill: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a batch's candidates found in two parts, a pool of ten connections, two skill
    # holders in Salford and twelve listings in Manchester published (their jobs not run yet)
    monkeypatch.setattr(get_settings(), "matching_parts", 2)
    assert get_settings().db_pool_max == 10
    for _ in range(2):
        person = await make_person()
        await profile.update_profile(
            actor=actor_of(person), changes={"home": SALFORD, "travel_km": 5}
        )
        await skills.set_member_skills(actor=actor_of(person), skill_ids=[skill.id])
    listings = [
        await post(alice, location=MANCHESTER, skill_ids=[skill.id], title=f"Listing {n}")
        for n in range(12)
    ]
    # when: their twelve jobs run at once in this process
    started = time.monotonic()
    stored = await asyncio.gather(*(matching.notify_matches(opportunity_id=o.id) for o in listings))
    # then: well within the wait for the hub's lock (10 s), each listing matched once, each of
    # them telling both holders
    assert time.monotonic() - started < 5
    assert sum(stored) == 24
    matched = MatchedOpportunity.filter(opportunity_id__in=[o.id for o in listings])
    assert await matched.count() == 12
