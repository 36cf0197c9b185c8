"""Reporting a problem, near-duplicates before posting, "me too" and following."""

import math
import re
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.audit import service as audit
from app.budgets import limits
from app.civic import area
from app.civic.errors import CivicErrorCode as E
from app.civic.problems.categories import category_of, responsible_organisation
from app.civic.problems.models import ProblemFollower, ProblemReport, ProblemStatus
from app.errors import DomainError
from app.i18n import _
from app.policy import Viewer, can_see

MAX_DESCRIPTION = 2000
MAX_PHOTOS = 5
MAX_URL = 500
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Near-duplicates: the same category within this radius and this time.
DUPLICATE_RADIUS_KM = 0.25
DUPLICATE_WINDOW = timedelta(days=7)
MAX_SUGGESTIONS = 10


def photo_urls(urls: list[str]) -> list[str]:
    if len(urls) > MAX_PHOTOS:
        raise DomainError(E.INVALID, _("At most {n} photos.", n=MAX_PHOTOS), "photoUrls")
    cleaned = []
    for url in urls:
        url = url.strip()
        if len(url) > MAX_URL or not _URL.match(url):
            raise DomainError(E.INVALID, _("Photos are http(s) URLs."), "photoUrls")
        cleaned.append(url)
    return cleaned


async def report_problem(
    *,
    actor: Actor,
    category_id: int,
    location: tuple[float, float],
    description: str,
    photo_urls_: list[str] | None = None,
    show_exact_place: bool = False,
    address: str = "",
    api_client_id: int | None = None,
) -> ProblemReport:
    """A member reports a problem at a place in the hub's area (OUTSIDE_AREA, NO_AREA); it goes
    to the organisation that takes its category there, or to the council. At most
    limits.PROBLEM_REPORT an hour per member and per address (RATE_LIMITED), whatever the
    client: the app, an Open311 client or an API client acting for the member. A guest of the
    hub (app/federation/guests.py) reports nothing here (FORBIDDEN): they report at home."""
    if actor.guest:
        raise DomainError(E.FORBIDDEN, _("A guest of this hub cannot report problems here."), None)
    lat, lng = area.point(*location)
    description = v.text(
        description, field="description", max_length=MAX_DESCRIPTION, invalid=E.INVALID,
        multiline=True,
    )  # fmt: skip
    address = v.text(address, field="address", max_length=200, invalid=E.INVALID, required=False)
    photos = photo_urls(photo_urls_ or [])
    category = await category_of(actor.hub_id, category_id)
    await limits.guard(
        limits.PROBLEM_REPORT, identity=f"{actor.hub_id}:{actor.member_id}", code=E.RATE_LIMITED
    )
    cell7 = await area.require_inside(actor.hub_id, lat, lng)
    public_lat, public_lng = area.public_place(lat, lng, show_exact_place)
    organisation_id = await responsible_organisation(actor.hub_id, category.id, cell7)
    async with in_transaction():
        report = await ProblemReport.create(
            hub_id=actor.hub_id, category_id=category.id, reporter_id=actor.member_id,
            organisation_id=organisation_id, description=description, photo_urls=photos,
            lat=lat, lng=lng, public_exact=show_exact_place, public_lat=public_lat,
            public_lng=public_lng, cell7=cell7, address=address, api_client_id=api_client_id,
        )  # fmt: skip
        await ProblemFollower.create(
            hub_id=actor.hub_id, report_id=report.id, member_id=actor.member_id
        )
        await audit.record(
            actor=actor, hub_id=actor.hub_id, action="civic.report_problem",
            object_type="ProblemReport", object_id=report.id,
            data={"category_id": category.id, "organisation_id": organisation_id},
        )  # fmt: skip
    return report


async def load(actor_hub_id: int, viewer: Viewer, report_id: int) -> ProblemReport:
    report = await ProblemReport.get_or_none(id=report_id, hub_id=actor_hub_id)
    if report is None or not await can_see(viewer, "ProblemReport", report):
        raise DomainError(E.NOT_FOUND, _("No such problem report."), "problemReportId")
    return report


def _box(lat: float, lng: float, km: float, prefix: str = "") -> dict[str, float]:
    dlat = km / 111.0
    dlng = km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    return {
        f"{prefix}lat__gte": lat - dlat, f"{prefix}lat__lte": lat + dlat,
        f"{prefix}lng__gte": lng - dlng, f"{prefix}lng__lte": lng + dlng,
    }  # fmt: skip


async def similar_problems(
    *, hub_id: int, category_id: int, location: tuple[float, float], now: datetime | None = None
) -> list[ProblemReport]:
    """Reports of the same category within DUPLICATE_RADIUS_KM posted in the last week and not
    closed, nearest first: the app offers "me too" on them before posting a duplicate. Distance
    is measured from the public (rounded) place: asked from many points, the answers must not
    draw the exact place a reporter kept private."""
    lat, lng = area.point(*location)
    now = now or datetime.now(UTC)
    rows = await ProblemReport.filter(
        hub_id=hub_id,
        category_id=category_id,
        created_at__gte=now - DUPLICATE_WINDOW,
        status__not=ProblemStatus.CLOSED,
        **_box(lat, lng, DUPLICATE_RADIUS_KM, prefix="public_"),
    ).limit(200)
    near = [(area.km_between((lat, lng), (r.public_lat, r.public_lng)), r.id, r) for r in rows]
    near = [n for n in near if n[0] <= DUPLICATE_RADIUS_KM]
    near.sort(key=lambda n: (n[0], n[1]))
    return [r for _, _, r in near[:MAX_SUGGESTIONS]]


# One statement: the follower row made (or turned into a "me too") and the count raised, or
# nothing when the member's row was a "me too" already (concurrent clicks wait on its key).
_ME_TOO = """
WITH added AS (
  INSERT INTO problem_follower (hub_id, report_id, member_id, me_too, created_at)
  VALUES ($1, $2, $3, TRUE, now())
  ON CONFLICT (hub_id, report_id, member_id)
  DO UPDATE SET me_too = TRUE WHERE problem_follower.me_too = FALSE
  RETURNING report_id
)
UPDATE problem_report SET me_too_count = me_too_count + 1
WHERE hub_id = $1 AND id IN (SELECT report_id FROM added)
RETURNING me_too_count
"""
_FOLLOW = """
INSERT INTO problem_follower (hub_id, report_id, member_id, me_too, created_at)
VALUES ($1, $2, $3, FALSE, now()) ON CONFLICT (hub_id, report_id, member_id) DO NOTHING
"""


async def me_too(*, actor: Actor, report_id: int) -> ProblemReport:
    """The member has the same problem: counted once (ALREADY_DONE for a second time, however
    many clicks race: the follower row's unique key decides), and they follow the report."""
    report = await load(actor.hub_id, Viewer.of(actor), report_id)
    if report.reporter_id == actor.member_id:
        raise DomainError(E.OWN_REPORT, _("You reported this problem."), "problemReportId")
    if report.status == ProblemStatus.CLOSED:
        raise DomainError(E.BAD_TRANSITION, _("This report is closed."), "problemReportId")
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict(_ME_TOO, [actor.hub_id, report.id, actor.member_id])
    if not rows:
        raise DomainError(E.ALREADY_DONE, _("You have said this already."), "problemReportId")
    report.me_too_count = rows[0]["me_too_count"]
    return report


async def follow(*, actor: Actor, report_id: int) -> ProblemReport:
    """The member is told about the report's updates (following twice changes nothing)."""
    report = await load(actor.hub_id, Viewer.of(actor), report_id)
    async with in_transaction() as conn:
        await conn.execute_query(_FOLLOW, [actor.hub_id, report.id, actor.member_id])
    return report
