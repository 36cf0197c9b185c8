"""Races: the same change sent twice at once, as two browser tabs or two staff would send it."""

import asyncio
from collections.abc import Sequence
from typing import Any

from app.people.models import CheckStatus, MemberRole, Role, TrustCheck

REVOKE = """
mutation Revoke($input: RevokeRoleInput!) {
  revokeRole(input: $input) { member { id } errors { code field } }
}"""
SUBMIT = """
mutation Submit($input: SubmitTrustCheckInput!) {
  submitTrustCheck(input: $input) { trustCheck { id } errors { code } }
}"""
REVIEW = """
mutation Review($input: ReviewTrustCheckInput!) {
  reviewTrustCheck(input: $input) { trustCheck { status } errors { code field } }
}"""


def _outcomes(bodies: Sequence[dict[str, Any]]) -> list[list[tuple[str, str | None]]]:
    """Each request's payload errors; a top-level error (a deadlock, say) fails the test."""
    assert all("errors" not in b for b in bodies), bodies
    return sorted(
        [(e["code"], e["field"]) for e in payload["errors"]]
        for b in bodies
        for payload in b["data"].values()
    )


async def test_two_hub_admins_stepping_down_at_once_leave_one(
    gql: Any, hub: Any, make_person: Any
) -> None:
    for _ in range(3):
        # given: a hub with exactly two hub admins
        await MemberRole.filter(hub_id=hub.id, role=Role.HUB_ADMIN).delete()
        first = await make_person(display_name="First admin", roles=[Role.HUB_ADMIN])
        second = await make_person(display_name="Second admin", roles=[Role.HUB_ADMIN])
        # when: both step down at the same moment
        bodies = await asyncio.gather(
            *(
                gql.raw(REVOKE, {"input": {"memberId": p.gid, "role": "HUB_ADMIN"}}, as_=p)
                for p in (first, second)
            )
        )
        # then: one of them did, the other is the last one
        assert _outcomes(bodies) == [[], [("LAST_ADMIN", "memberId")]]
        assert await MemberRole.filter(hub_id=hub.id, role=Role.HUB_ADMIN).count() == 1


async def test_two_hub_admins_revoking_each_other_at_once_leave_one(
    gql: Any, hub: Any, make_person: Any
) -> None:
    for _ in range(3):
        # given
        await MemberRole.filter(hub_id=hub.id, role=Role.HUB_ADMIN).delete()
        first = await make_person(display_name="First admin", roles=[Role.HUB_ADMIN])
        second = await make_person(display_name="Second admin", roles=[Role.HUB_ADMIN])
        # when
        bodies = await asyncio.gather(
            gql.raw(REVOKE, {"input": {"memberId": second.gid, "role": "HUB_ADMIN"}}, as_=first),
            gql.raw(REVOKE, {"input": {"memberId": first.gid, "role": "HUB_ADMIN"}}, as_=second),
        )
        # then: no deadlock; one revoke went through and the hub still has its hub admin
        assert _outcomes(bodies) == [[], [("LAST_ADMIN", "memberId")]]
        assert await MemberRole.filter(hub_id=hub.id, role=Role.HUB_ADMIN).count() == 1


async def test_two_moderators_reviewing_one_check_at_once_review_it_once(
    gql: Any, alice: Any, make_person: Any
) -> None:
    # given
    moderators = [
        await make_person(display_name=f"Moderator {n}", roles=[Role.MODERATOR]) for n in (1, 2)
    ]
    for kind in ("DBS_BASIC", "FIRST_AID"):
        submitted = await gql(SUBMIT, {"input": {"kind": kind, "reference": "R-1"}}, as_=alice)
        check_id = submitted["submitTrustCheck"]["trustCheck"]["id"]
        # when: one approves while the other rejects
        bodies = await asyncio.gather(
            *(
                gql.raw(REVIEW, {"input": {"checkId": check_id, "approve": n == 0}}, as_=m)
                for n, m in enumerate(moderators)
            )
        )
        # then: the first to get there decided it
        assert _outcomes(bodies) == [[], [("ALREADY_REVIEWED", "checkId")]]
    statuses = await TrustCheck.filter(member_id=alice.member.id).values_list("status", flat=True)
    assert all(s != CheckStatus.PENDING for s in statuses)
