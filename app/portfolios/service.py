"""A member's portfolio: the verified record of what they gave, and how it was received."""

import secrets
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.assets import impact_totals
from app.assets.impact_totals import ProfileImpact
from app.audit import service as audit
from app.badges import levels
from app.config import get_settings
from app.errors import AccessDenied, DomainError
from app.federation import accounts as linked_accounts
from app.federation.accounts import HubHours
from app.i18n import _
from app.organisations.models import Organisation
from app.people.models import Member, MemberStatus
from app.policy import Viewer
from app.portfolios.errors import PortfolioErrorCode as E
from app.portfolios.models import HoursRecord, HoursStatus, PortfolioSettings, Review
from app.portfolios.policy import PORTFOLIO_READERS

HISTORY = 50
REVIEWS = 20


@dataclass(frozen=True)
class Breakdown:
    slug: str
    name: str
    minutes: int


@dataclass(frozen=True)
class Ratings:
    count: int
    average: float | None
    distribution: dict[int, int]


@dataclass
class Portfolio:
    member: Member
    total_minutes: int
    services_delivered: int
    by_category: list[Breakdown]
    by_skill: list[Breakdown]
    organisations_helped: list[Organisation]
    ratings: Ratings
    reviews: list[Review]
    history: list[HoursRecord]
    badges: list[Any] = field(default_factory=list)  # app.badges.levels.Held, oldest first
    points: int = 0
    level: str | None = None
    impact: ProfileImpact = field(default_factory=ProfileImpact)  # sharing, both sides
    # Verified hours per hub: this account's first, then each linked account's (issue 22).
    hours_by_hub: list[HubHours] = field(default_factory=list)

    @property
    def combined_minutes(self) -> int:
        """Verified minutes of this account and every linked account together."""
        return (
            sum(h.minutes for h in self.hours_by_hub) if self.hours_by_hub else self.total_minutes
        )

    def as_json(self) -> dict[str, Any]:
        """The exportable volunteer CV (stable keys; no private data)."""
        return {
            "member": {"displayName": self.member.display_name, "bio": self.member.bio},
            "totalMinutes": self.total_minutes,
            "totalHours": round(self.total_minutes / 60, 2),
            "hoursByHub": [
                {
                    "hub": h.hub_name,
                    "hubSlug": h.hub_slug,
                    "linked": not h.own,
                    "minutes": h.minutes,
                    "servicesDelivered": h.services,
                }
                for h in self.hours_by_hub
            ],
            "combinedMinutes": self.combined_minutes,
            "servicesDelivered": self.services_delivered,
            "byCategory": [vars(b) for b in self.by_category],
            "bySkill": [vars(b) for b in self.by_skill],
            "organisationsHelped": [
                {"name": o.name, "slug": o.slug} for o in self.organisations_helped
            ],
            "ratings": {
                "count": self.ratings.count,
                "average": self.ratings.average,
                "distribution": {str(k): v for k, v in self.ratings.distribution.items()},
            },
            "reviews": [
                {"rating": r.rating, "comment": r.comment, "date": r.created_at.date().isoformat()}
                for r in self.reviews
            ],
            "history": [
                {
                    "date": h.worked_on.isoformat(),
                    "minutes": h.minutes,
                    "opportunityId": h.opportunity_id,
                }
                for h in self.history
            ],
            "badges": [
                {
                    "name": b.name,
                    "description": b.description,
                    "points": b.points,
                    "awardedOn": b.awarded_at.date().isoformat(),
                    "assertion": f"{get_settings().public_url}/badges/assertions/{b.uid}.json",
                }
                for b in self.badges
            ],
            "points": self.points,
            "level": self.level,
            "impact": {
                "shares": self.impact.total.shares,
                "kilogramsDiverted": self.impact.total.diverted_g / 1000,
                "co2eKilograms": self.impact.total.co2e_g / 1000,
                "valueSaved": [
                    {"currency": m.currency, "amountMinor": m.amount_minor}
                    for m in self.impact.total.value
                ],
            },
        }


_BY_CATEGORY = """
SELECT c.slug, c.name, sum(h.minutes)::int AS minutes
  FROM hours_record h
  JOIN opportunity o ON o.id = h.opportunity_id AND o.hub_id = h.hub_id
  JOIN category c ON c.id = o.category_id AND c.hub_id = o.hub_id
 WHERE h.hub_id = $1 AND h.volunteer_id = $2 AND h.status = 'verified'
 GROUP BY c.slug, c.name ORDER BY minutes DESC, c.slug"""
_BY_SKILL = """
SELECT s.slug, s.name, sum(h.minutes)::int AS minutes
  FROM hours_record h
  JOIN opportunity_skill os ON os.opportunity_id = h.opportunity_id AND os.hub_id = h.hub_id
  JOIN skill s ON s.id = os.skill_id AND s.hub_id = os.hub_id
 WHERE h.hub_id = $1 AND h.volunteer_id = $2 AND h.status = 'verified'
 GROUP BY s.slug, s.name ORDER BY minutes DESC, s.slug"""
# Organisations helped: those whose requests the member answered (on an offer posted for an
# organisation, the organisation gave the help).
_TOTALS = """
SELECT coalesce(sum(h.minutes), 0)::int AS minutes,
       count(DISTINCT h.application_id)::int AS services,
       array_remove(
         array_agg(DISTINCT o.organisation_id) FILTER (WHERE o.kind = 'request'), NULL
       ) AS organisations
  FROM hours_record h
  JOIN opportunity o ON o.id = h.opportunity_id AND o.hub_id = h.hub_id
 WHERE h.hub_id = $1 AND h.volunteer_id = $2 AND h.status = 'verified'"""
# Reviews of the member as the volunteer ("how well the service was delivered"): not the
# ones they received as the person helped. The volunteer of a request is its applicant; of an
# offer, its poster.
_AS_VOLUNTEER = """
SELECT r.id, r.rating, r.created_at FROM review r
  JOIN application a ON a.id = r.application_id AND a.hub_id = r.hub_id
  JOIN opportunity o ON o.id = a.opportunity_id AND o.hub_id = a.hub_id
 WHERE r.hub_id = $1 AND r.subject_id = $2
   AND r.subject_id = CASE o.kind WHEN 'request' THEN a.applicant_id ELSE o.poster_id END"""
_RATINGS = f"""
SELECT rating, count(*)::int AS n FROM ({_AS_VOLUNTEER}) AS v GROUP BY rating"""
_LATEST_REVIEWS = f"""
SELECT id FROM ({_AS_VOLUNTEER}) AS v ORDER BY created_at DESC, id DESC LIMIT {REVIEWS}"""


async def ratings_of(*, hub_id: int, member_id: int) -> Ratings:
    """The ratings the member received for help they gave."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(_RATINGS, [hub_id, member_id])
    distribution = {r: 0 for r in range(1, 6)} | {int(r["rating"]): int(r["n"]) for r in rows}
    count = sum(distribution.values())
    total = sum(k * v for k, v in distribution.items())
    return Ratings(count, round(total / count, 2) if count else None, distribution)


def _shareable(record: HoursRecord) -> HoursRecord:
    """A copy (never saved) of a record as anyone may see it: no note, no dispute."""
    return HoursRecord(
        id=record.id,
        hub_id=record.hub_id,
        application_id=record.application_id,
        opportunity_id=record.opportunity_id,
        volunteer_id=record.volunteer_id,
        worked_on=record.worked_on,
        minutes=record.minutes,
        status=record.status,
        reviewed_at=record.reviewed_at,
        created_at=record.created_at,
    )


async def build(*, hub_id: int, member: Member, for_owner: bool = False) -> Portfolio:
    """Computes the portfolio from verified hours and received reviews.

    Only the member themself (`for_owner`) sees the notes and dispute texts of their history;
    a public portfolio and the CV show the day, minutes and opportunity.
    """
    conn = Tortoise.get_connection("default")
    params = [hub_id, member.id]
    totals = (await conn.execute_query_dict(_TOTALS, params))[0]
    categories = await conn.execute_query_dict(_BY_CATEGORY, params)
    skills = await conn.execute_query_dict(_BY_SKILL, params)
    organisation_ids = list(totals["organisations"] or [])
    history = (
        await HoursRecord.filter(hub_id=hub_id, volunteer_id=member.id, status=HoursStatus.VERIFIED)
        .order_by("-worked_on", "-id")
        .limit(HISTORY)
    )
    review_ids = [r["id"] for r in await conn.execute_query_dict(_LATEST_REVIEWS, params)]
    [standing] = await levels.standings(hub_id=hub_id, member_ids=[member.id])
    [impact] = await impact_totals.profile_totals(hub_id=hub_id, party="member", ids=[member.id])
    by_hub = await linked_accounts.hours_by_hub(hub_id=hub_id, member_id=member.id)
    return Portfolio(
        member=member,
        total_minutes=int(totals["minutes"]),
        services_delivered=int(totals["services"]),
        by_category=[Breakdown(r["slug"], r["name"], r["minutes"]) for r in categories],
        by_skill=[Breakdown(r["slug"], r["name"], r["minutes"]) for r in skills],
        organisations_helped=await Organisation.filter(
            hub_id=hub_id, id__in=organisation_ids
        ).order_by("name")
        if organisation_ids
        else [],
        ratings=await ratings_of(hub_id=hub_id, member_id=member.id),
        reviews=await Review.filter(hub_id=hub_id, id__in=review_ids).order_by("-created_at", "-id")
        if review_ids
        else [],
        history=history if for_owner else [_shareable(h) for h in history],
        badges=list(standing.badges),
        points=standing.points,
        level=standing.level,
        impact=impact,
        hours_by_hub=by_hub,
    )


async def settings_of(*, hub_id: int, member_id: int) -> PortfolioSettings:
    found = await PortfolioSettings.get_or_none(hub_id=hub_id, member_id=member_id)
    if found is None:
        found, _ = await PortfolioSettings.get_or_create(
            hub_id=hub_id,
            member_id=member_id,
            defaults={"share_token": secrets.token_urlsafe(18), "public": False},
        )
    return found


async def readable(*, actor: Actor, member_id: int) -> tuple[Member, PortfolioSettings]:
    """The member whose portfolio the actor may read, with its settings: their own, or anyone's
    public one in the hub (PORTFOLIO_READERS). NOT_FOUND: no such member in the actor's hub;
    PRIVATE: not shared. Reading someone else's never creates their settings."""
    member = await Member.get_or_none(id=member_id, hub_id=actor.hub_id)
    if member is None:
        raise DomainError(E.NOT_FOUND, _("No such member in this hub."), "memberId")
    if not await PORTFOLIO_READERS.allows(Viewer.of(actor), member):
        raise AccessDenied(
            _("{display_name} has not shared their portfolio.", display_name=member.display_name),
            "PRIVATE",
        )
    if member.id == actor.member_id:
        return member, await settings_of(hub_id=actor.hub_id, member_id=member.id)
    return member, await PortfolioSettings.get(hub_id=actor.hub_id, member_id=member.id)


async def set_visibility(*, actor: Actor, public: bool) -> PortfolioSettings:
    """Makes the member's volunteer CV public at its share URL, or private again."""
    async with in_transaction():
        found = await settings_of(hub_id=actor.hub_id, member_id=actor.member_id)
        found.public = public
        await found.save(update_fields=["public"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="portfolio.visibility",
            object_type="Member",
            object_id=actor.member_id,
            data={"public": public},
        )
    return found


async def rotate_share_link(*, actor: Actor) -> PortfolioSettings:
    """A new token for the member's CV link: the old link stops working at once."""
    async with in_transaction():
        found = await settings_of(hub_id=actor.hub_id, member_id=actor.member_id)
        found.share_token = secrets.token_urlsafe(18)
        await found.save(update_fields=["share_token"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="portfolio.rotate_share_link",
            object_type="Member",
            object_id=actor.member_id,
        )
    return found


def share_url(found: PortfolioSettings) -> str | None:
    """The CV's link while it is public; None while private (for its owner too)."""
    if not found.public:
        return None
    return f"{get_settings().public_url}/cv/{found.share_token}"


async def public_portfolio(*, share_token: str) -> Portfolio | None:
    """The portfolio behind a share link, if its member made it public and is not suspended."""
    if len(share_token) > 40:
        return None
    found = await PortfolioSettings.get_or_none(share_token=share_token, public=True)
    if found is None:
        return None
    member = await Member.get(id=found.member_id, hub_id=found.hub_id)
    if member.status == MemberStatus.SUSPENDED:  # moderators took them off the platform
        return None
    return await build(hub_id=found.hub_id, member=member)
