"""The trial lists: the hub's trials, those a member qualifies for, applications."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from app.actor import Actor
from app.errors import DomainError, ErrorBag
from app.i18n import _
from app.opportunities import geo
from app.policy import Viewer, visible
from app.trials import eligibility
from app.trials.access import get_trial, is_business_person
from app.trials.errors import TrialErrorCode as E
from app.trials.models import Trial, TrialApplication, TrialStatus


async def trials(*, viewer: Viewer, status: TrialStatus | None = None) -> QuerySet[Trial]:
    """The hub's trials the viewer may see, closing soonest first."""
    query = await visible(viewer, "Trial", Trial.filter(hub_id=viewer.hub_id))
    if status is not None:
        query = query.filter(status=status)
    return query.order_by("closes_at", "id")


@dataclass(frozen=True, kw_only=True)
class TrialSearch:
    """A member's search among the trials they qualify for; every given filter must match."""

    text: str | None = None  # in the title, product or description
    near: tuple[float, float] | None = None  # with within_km: the trial's place that close
    within_km: float | None = None
    skill_ids: list[int] = field(default_factory=list)  # the trial asks for one of these
    interests: list[str] = field(default_factory=list)  # the trial is for one of these


def _search(query: QuerySet[Trial], given: TrialSearch) -> QuerySet[Trial]:
    bag = ErrorBag()
    text = (given.text or "").strip()
    if len(text) > 200 or "\x00" in text:
        bag.add(E.INVALID, _("At most 200 characters."), "text")
    if (given.near is None) != (given.within_km is None):
        bag.add(E.INVALID, _("A distance needs its point, and a point its distance."), "withinKm")
    if given.within_km is not None and not 0 < given.within_km <= 200:
        bag.add(E.INVALID, _("Between 0 and 200 km."), "withinKm")
    if given.near is not None and not (-90 <= given.near[0] <= 90 and -180 <= given.near[1] <= 180):
        bag.add(E.INVALID, _("Not a point on Earth."), "near")
    if any("\x00" in i or len(i) > 100 for i in given.interests):
        bag.add(E.INVALID, _("Each interest at most 100 characters."), "interests")
    if len(given.skill_ids) > 20 or len(given.interests) > 20:
        bag.add(E.INVALID, _("At most 20 skills and 20 interests."), "skillIds")
    if bag.errors:  # a query reports one typed error (schema/errors.py), the first
        raise bag.errors[0]
    if text:
        query = query.filter(
            Q(title__icontains=text) | Q(product__icontains=text) | Q(description__icontains=text)
        )
    if given.near is not None and given.within_km is not None:
        lat, lng = float(given.near[0]), float(given.near[1])
        distance = geo.haversine_sql(repr(lat), repr(lng), alias="trial")
        query = query.annotate(
            search_near=RawSQL(
                f"(trial.lat IS NOT NULL AND {distance} <= {float(given.within_km)!r})"
            )
        ).filter(search_near=True)
    if given.skill_ids:
        wanted = ", ".join(str(int(s)) for s in given.skill_ids)
        query = query.annotate(
            skill_match=RawSQL(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(trial.skill_ids) s(v)"
                f" WHERE s.v::bigint IN ({wanted}))"
            )
        ).filter(skill_match=True)
    if given.interests:
        # Literals, quotes doubled (standard_conforming_strings), NULs refused above.
        wanted_interests = sorted({i.strip().lower() for i in given.interests if i.strip()})
        query = query.annotate(
            interest_match=RawSQL(
                "(trial.interests ?| ARRAY["
                + ", ".join("'" + i.replace("'", "''") + "'" for i in wanted_interests)
                + "]::text[])"
            )
        ).filter(interest_match=True)
    return query


def for_member(*, actor: Actor, search: TrialSearch | None = None) -> QuerySet[Trial]:
    """Recruiting trials the member qualifies for (app/trials/eligibility.py, in SQL), closing
    soonest first; their business's own trials left out. `search` narrows them (text,
    distance, skills, interests): the member's search of trials, beside the opportunity
    search; without it, the list is the member's trial feed."""
    qualifies = RawSQL(
        f"(SELECT {eligibility.eligible('trial')} FROM member m"
        f" WHERE m.id = {int(actor.member_id)} AND m.hub_id = trial.hub_id)"
    )
    me = int(actor.member_id)
    own = RawSQL(
        "EXISTS (SELECT 1 FROM organisation_member om WHERE om.hub_id = trial.hub_id"
        f" AND om.organisation_id = trial.organisation_id AND om.member_id = {me})"
    )
    query = (
        Trial.filter(
            hub_id=actor.hub_id, status=TrialStatus.RECRUITING, closes_at__gt=datetime.now(UTC)
        )
        .annotate(qualifies=qualifies, own=own)
        .filter(qualifies=True, own=False)
    )
    if search is not None:
        query = _search(query, search)
    return query.order_by("closes_at", "id")


def my_applications(*, actor: Actor) -> QuerySet[TrialApplication]:
    return TrialApplication.filter(hub_id=actor.hub_id, member_id=actor.member_id).order_by("-id")


async def applications_to(*, actor: Actor, trial_id: int) -> QuerySet[TrialApplication]:
    """A trial's applications, first first (its business's people)."""
    trial = await get_trial(actor, trial_id)
    if not await is_business_person(actor, trial.organisation_id, managers=False):
        raise DomainError(E.FORBIDDEN, _("Only the business reads its applications."), "trialId")
    return TrialApplication.filter(hub_id=actor.hub_id, trial_id=trial.id).order_by("id")
