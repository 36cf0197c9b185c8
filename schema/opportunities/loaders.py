"""DataLoaders of the opportunities module (hub-filtered, one query per batch)."""

from collections.abc import Callable, Coroutine
from typing import Any

from strawberry.dataloader import DataLoader

from app.opportunities.models import Application, OpportunitySkill
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
