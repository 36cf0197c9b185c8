"""The one policy table, collected from every module's `policy.py`."""

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.policy.table import OperationPolicy, TypePolicy, ValuePolicy
from app.policy.viewer import Viewer

M = TypeVar("M", bound=Model)

# Modules whose `POLICY` holds their entries.
POLICY_MODULES = (
    "app.auth.policy",
    "app.hubs.policy",
    "app.people.policy",
    "app.organisations.policy",
    "app.opportunities.policy",
    "app.portfolios.policy",
    "app.credits.policy",
    "app.matching.policy",
    "app.integrations.policy",
    "app.oauth.policy",
    "app.assets.policy",
    "app.assets.giveaway_policy",
    "app.assets.feeds_policy",
    "app.assets.impact_policy",
    "app.assets.lending_policy",
    "app.campaigns.policy",
    "app.trials.policy",
    "app.paidjobs.policy",
    "app.badges.policy",
    "app.citydata.policy",
    "app.audit.policy",
    "app.gdpr.policy",
    "app.moderation.policy",
    "app.federation.policy",
    "app.civic.policy",
    "app.policy.server",
)


@dataclass(frozen=True)
class Table:
    types: dict[str, TypePolicy | ValuePolicy]
    by_model: dict[type[Model], TypePolicy]
    queries: dict[str, OperationPolicy]
    mutations: dict[str, OperationPolicy]
    subscriptions: dict[str, OperationPolicy]


@cache
def table() -> Table:
    parts = [importlib.import_module(m).POLICY for m in POLICY_MODULES]
    return Table(
        types=_unique("type", [t for p in parts for t in p.types]),
        by_model={
            t.model: t
            for p in parts
            for t in p.types
            if isinstance(t, TypePolicy) and t.model is not None
        },
        queries=_unique("query", [q for p in parts for q in p.queries]),
        mutations=_unique("mutation", [m for p in parts for m in p.mutations]),
        subscriptions=_unique("subscription", [s for p in parts for s in p.subscriptions]),
    )


def _unique(kind: str, entries: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry in entries:
        if entry.name in found:
            raise ValueError(f"{kind} {entry.name!r} has two policy entries")
        found[entry.name] = entry
    return found


def row_policy(type_name: str) -> TypePolicy:
    entry = table().types[type_name]
    if not isinstance(entry, TypePolicy):
        raise TypeError(f"{type_name} is a value type: it has no rows")
    return entry


async def can_see(viewer: Viewer, type_name: str, row: Any) -> bool:
    """The row check of `type_name`'s entry, for services that hold a loaded row."""
    return await row_policy(type_name).see.allows(viewer, row)


async def visible(viewer: Viewer, type_name: str, query: QuerySet[M]) -> QuerySet[M]:
    """`query` narrowed to the rows the viewer may see: the entry's rule as SQL."""
    return query.filter(await row_policy(type_name).see.q(viewer))
