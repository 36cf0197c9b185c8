"""DataLoaders of the opportunities module (hub-filtered, one query per batch)."""

from collections.abc import Callable, Coroutine
from typing import Any

from strawberry.dataloader import DataLoader

from app.opportunities import access
from app.opportunities.models import Application, ApplicationStatus, OpportunitySkill
from app.organisations.models import OrganisationMember
from app.people.models import Skill
from schema.context import Info

Load = Callable[[list[int]], Coroutine[Any, Any, list[Any]]]


def skills_by_opportunity(info: Info) -> DataLoader[int, list[Skill]]:
    def factory(hub_id: int | None) -> Load:
        async def load(ids: list[int]) -> list[list[Skill]]:
            links = await OpportunitySkill.filter(
                hub_id=hub_id, opportunity_id__in=ids
            ).select_related("skill")  # one JOIN, not a second query
            grouped: dict[int, list[Skill]] = {i: [] for i in ids}
            for link in links:
                grouped[link.opportunity_id].append(link.skill)
            return [sorted(grouped[i], key=lambda s: s.name) for i in ids]

        return load

    return info.context.loaders.get("opportunity.skills", factory)


def viewer_applications(info: Info) -> DataLoader[int, Application | None]:
    """The viewer's own application to each opportunity."""
    actor = info.context.actor

    def factory(hub_id: int | None) -> Load:
        async def load(ids: list[int]) -> list[Application | None]:
            if actor is None:
                return [None] * len(ids)
            rows = await Application.filter(
                hub_id=hub_id, opportunity_id__in=ids, applicant_id=actor.member_id
            )
            by_opportunity = {r.opportunity_id: r for r in rows}
            return [by_opportunity.get(i) for i in ids]

        return load

    return info.context.loaders.get("opportunity.viewer_application", factory)


def viewer_organisations(info: Info) -> DataLoader[int, set[int]]:
    """The organisations the viewer belongs to (keyed by the viewer's member id)."""

    def factory(hub_id: int | None) -> Load:
        async def load(member_ids: list[int]) -> list[set[int]]:
            rows = await OrganisationMember.filter(
                hub_id=hub_id, member_id__in=member_ids
            ).values_list("member_id", "organisation_id")
            found: dict[int, set[int]] = {m: set() for m in member_ids}
            for member_id, organisation_id in rows:
                found[member_id].add(organisation_id)
            return [found[m] for m in member_ids]

        return load

    return info.context.loaders.get("viewer.organisations", factory)


async def viewer_manages(info: Info, opportunity: Any) -> bool:
    actor = info.context.actor
    if actor is None:
        return False
    organisation_ids = await viewer_organisations(info).load(actor.member_id)
    return access.manages(actor.member_id, opportunity, organisation_ids)


async def viewer_participates(info: Info, opportunity: Any) -> bool:
    """Managers and accepted applicants see the exact place and the contact details."""
    if await viewer_manages(info, opportunity):
        return True
    application = await viewer_applications(info).load(opportunity.id)
    return application is not None and application.status == ApplicationStatus.ACCEPTED
