"""Who is looking: the actor (or nobody) in a hub, and what the policy learnt about them."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from app.actor import Actor
from app.people.models import Role

Compute = Callable[[], Awaitable[Any]]
# Loads rows of a model by id in the viewer's hub (the GraphQL layer passes its DataLoaders).
Fetch = Callable[[type[Model], list[int]], Awaitable[list[Any]]]


@dataclass(eq=False)
class Viewer:
    """The caller of one request (or one service call): anonymous when `actor` is None.

    Facts about the viewer that several rules need (the organisations they belong to, their
    account) are computed once per viewer and shared by concurrent checks.
    """

    actor: Actor | None
    hub_id: int | None
    fetch: Fetch | None = None
    _memo: dict[str, asyncio.Future[Any]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls, actor: Actor | None, hub_id: int | None = None, fetch: Fetch | None = None
    ) -> "Viewer":
        return cls(actor=actor, hub_id=actor.hub_id if actor else hub_id, fetch=fetch)

    @property
    def signed_in(self) -> bool:
        return self.actor is not None

    @property
    def guest(self) -> bool:
        return self.actor is not None and self.actor.guest

    @property
    def member_id(self) -> int | None:
        return self.actor.member_id if self.actor else None

    def has_role(self, *roles: Role) -> bool:
        return self.actor is not None and self.actor.has_role(*roles)

    async def memo(self, key: str, compute: Compute) -> Any:
        """`compute()` once per viewer; concurrent callers share the same answer."""
        found = self._memo.get(key)
        if found is None:
            found = asyncio.ensure_future(compute())
            self._memo[key] = found
        return await found

    async def rows(self, model: type[Model], ids: list[int]) -> list[Any]:
        """Rows of `model` with these ids in the viewer's hub (None where there is none)."""
        if self.fetch is not None:
            return await self.fetch(model, ids)
        found = {r.pk: r for r in await model.filter(id__in=ids, hub_id=self.hub_id)}
        return [found.get(i) for i in ids]
