"""DataLoaders, created per request and always filtered by the request's hub (tenancy)."""

from collections import defaultdict
from collections.abc import Callable, Coroutine, Hashable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from app.policy import Rule, Viewer

M = TypeVar("M", bound=Model)


def by_id(
    model: type[M], hub_id: int | None
) -> Callable[[list[int]], Coroutine[Any, Any, list[M | None]]]:
    async def load(ids: list[int]) -> list[M | None]:
        if hub_id is None:
            return [None] * len(ids)
        query = model.filter(id__in=ids)
        if "hub" in model._meta.fk_fields:
            query = query.filter(hub_id=hub_id)
        elif model.__name__ == "Hub":
            query = query.filter(id=hub_id)
        rows = {r.pk: r for r in await query}
        return [rows.get(i) for i in ids]

    return load


def group(rows: Sequence[Any], keys: Sequence[Hashable], attr: str) -> list[list[Any]]:
    grouped: dict[Hashable, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attr)].append(row)
    return [grouped.get(k, []) for k in keys]


def _row_key(row: Any) -> tuple[str, Any]:
    return (type(row).__name__, row.pk)


class Loaders:
    """Lazily builds each loader on first use, once per request."""

    def __init__(self, hub_id: int | None) -> None:
        self.hub_id = hub_id
        self._cache: dict[str, DataLoader[Any, Any]] = {}

    def get(
        self, name: str, factory: Callable[[int | None], Callable[..., Any]]
    ) -> DataLoader[Any, Any]:
        loader = self._cache.get(name)
        if loader is None:
            loader = DataLoader(load_fn=factory(self.hub_id), max_batch_size=500)
            self._cache[name] = loader
        return loader

    def by_id(self, model: type[M]) -> DataLoader[int, M | None]:
        return self.get(f"{model.__name__}.by_id", lambda hub_id: by_id(model, hub_id))

    def checks(self, rule: Rule, viewer: Viewer) -> DataLoader[Any, bool]:
        """Batches `rule`'s checks of the rows resolved in this request (one query per batch)."""
        key = f"policy:{id(rule)}:{id(viewer)}"
        loader = self._cache.get(key)
        if loader is None:

            async def load(rows: list[Any]) -> list[bool]:
                return await rule.check_many(viewer, rows)

            loader = DataLoader(load_fn=load, cache_key_fn=_row_key, max_batch_size=500)
            self._cache[key] = loader
        return loader

    async def fetch(self, model: type[Model], ids: list[int]) -> list[Any]:
        """Rows by id through the request's loaders (the policy's `Viewer.fetch`)."""
        return list(await self.by_id(model).load_many(ids))
