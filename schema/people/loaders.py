"""DataLoaders of the people module (hub-filtered, one query per batch)."""

from collections.abc import Callable, Coroutine
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise import Tortoise

from app.people.models import MemberRole, MemberSkill, Role, TrustCheck
from schema.context import Info

Load = Callable[[list[int]], Coroutine[Any, Any, list[Any]]]


def _grouped(
    info: Info, name: str, fetch: Callable[[int | None, list[int]], Any]
) -> DataLoader[int, list[Any]]:
    def factory(hub_id: int | None) -> Load:
        async def load(ids: list[int]) -> list[list[Any]]:
            found: dict[int, list[Any]] = {i: [] for i in ids}
            for member_id, item in await fetch(hub_id, ids):
                found[member_id].append(item)
            return [found[i] for i in ids]

        return load

    return info.context.loaders.get(name, factory)


async def _skills(hub_id: int | None, ids: list[int]) -> list[tuple[int, Any]]:
    links = await MemberSkill.filter(hub_id=hub_id, member_id__in=ids).prefetch_related("skill")
    return sorted(((link.member_id, link.skill) for link in links), key=lambda p: p[1].name)


async def _roles(hub_id: int | None, ids: list[int]) -> list[tuple[int, Any]]:
    rows = await MemberRole.filter(hub_id=hub_id, member_id__in=ids).values_list(
        "member_id", "role"
    )
    return sorted((int(m), Role(str(r))) for m, r in rows)


async def _checks(hub_id: int | None, ids: list[int]) -> list[tuple[int, Any]]:
    rows = await TrustCheck.filter(hub_id=hub_id, member_id__in=ids).order_by("-created_at", "-id")
    return [(c.member_id, c) for c in rows]


def skills_by_member(info: Info) -> DataLoader[int, list[Any]]:
    return _grouped(info, "member.skills", _skills)


def roles_by_member(info: Info) -> DataLoader[int, list[Any]]:
    return _grouped(info, "member.roles", _roles)


def checks_by_member(info: Info) -> DataLoader[int, list[Any]]:
    return _grouped(info, "member.checks", _checks)


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
