"""Concurrent reports of one object: one open case, one report per member, counts exact."""

import asyncio
from typing import Any

from app.moderation.models import ModerationCase, Report
from tests.moderation.conftest import report


async def test_concurrent_reports_make_one_case_and_one_report_each(
    gql: Any, hub: Any, bob: Any, make_person: Any
) -> None:
    # given: five members, each sending the same report three times at once
    reporters = [await make_person() for _ in range(5)]
    # when
    results = await asyncio.gather(
        *(report(gql, person, bob.gid, "HARASSMENT") for person in reporters for _ in range(3))
    )
    # then: one case; each member's report once, the others refused as ALREADY_REPORTED
    outcomes = sorted(str([e["code"] for e in r["errors"]]) for r in results)
    assert outcomes == ["['ALREADY_REPORTED']"] * 10 + ["[]"] * 5
    case = await ModerationCase.get(hub_id=hub.id)
    assert case.report_count == 5
    assert await Report.filter(case_id=case.id).count() == 5
