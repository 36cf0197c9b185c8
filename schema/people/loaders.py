"""DataLoaders of the people module: hub-filtered, one statement per batch."""

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise import Tortoise

from app.people import service
from app.people.models import Role, Skill, TrustCheck
from schema.context import Info

T = TypeVar("T")
Load = Callable[[list[int]], Coroutine[Any, Any, list[Any]]]
Fetch = Callable[..., Awaitable[dict[int, list[T]]]]


def _per_member(info: Info, name: str, fetch: Fetch[T]) -> DataLoader[int, list[T]]:
    """A loader of each member's list of things, fetched by `fetch(hub_id=, member_ids=)`."""

    def factory(hub_id: int | None) -> Load:
        async def load(ids: list[int]) -> list[list[T]]:
            if hub_id is None:
                return [[] for _ in ids]
            found = await fetch(hub_id=hub_id, member_ids=ids)
            return [found.get(i, []) for i in ids]

        return load

    return info.context.loaders.get(name, factory)


def skills_by_member(info: Info) -> DataLoader[int, list[Skill]]:
    return _per_member(info, "Member.skills", service.skills_of)


def roles_by_member(info: Info) -> DataLoader[int, list[Role]]:
    return _per_member(info, "Member.roles", service.roles_of_members)


def checks_by_member(info: Info) -> DataLoader[int, list[TrustCheck]]:
    return _per_member(info, "Member.trust_checks", service.checks_of)


def ratings_by_member(info: Info) -> DataLoader[int, tuple[int, float | None]]:
    """(count, average) of the ratings each member received."""

    def factory(hub_id: int | None) -> Load:
        async def load(ids: list[int]) -> list[tuple[int, float | None]]:
            rows = await Tortoise.get_connection("default").execute_query_dict(
                "SELECT subject_id, count(*)::int AS n, round(avg(rating), 2)::float8 AS average"
                " FROM review WHERE hub_id = $1 AND subject_id = ANY($2::bigint[])"
                " GROUP BY subject_id",
                [hub_id, ids],
            )
            found = {r["subject_id"]: (r["n"], r["average"]) for r in rows}
            return [found.get(i, (0, None)) for i in ids]

        return load

    return info.context.loaders.get("member.ratings", factory)
