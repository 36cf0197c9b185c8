"""Request-scoped DataLoaders of the organisations module (batched, hub-filtered)."""

import sys
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, Literal, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.organisations import service
from app.organisations.models import OrganisationMember, OrganisationRole
from schema.context import Info
from schema.errors import BadInput

# Deeper than this an offset cursor is not a page anybody reads: refuse it.
MAX_OFFSET = 1_000_000

T = TypeVar("T", bound=Model)


def viewer_roles(info: Info) -> DataLoader[int, OrganisationRole | None]:
    """The signed-in viewer's role in organisations, by organisation id (None: not a member)."""
    actor = info.context.actor
    member_id = actor.member_id if actor else None

    def factory(hub_id: int | None) -> Any:
        async def load(org_ids: list[int]) -> list[OrganisationRole | None]:
            if hub_id is None or member_id is None:
                return [None] * len(org_ids)
            roles = await service.roles_of(
                hub_id=hub_id, member_id=member_id, organisation_ids=org_ids
            )
            return [roles.get(i) for i in org_ids]

        return load

    return info.context.loaders.get(f"Organisation.viewer_roles:{member_id}", factory)


def membership_pages(
    info: Info, by: Literal["organisation", "member"], shared_with: int | None = None
) -> DataLoader[tuple[int, int, int], list[OrganisationMember]]:
    """Pages of memberships keyed by (organisation or member id, offset, limit)."""

    def factory(hub_id: int | None) -> Any:
        async def load(windows: list[tuple[int, int, int]]) -> list[list[OrganisationMember]]:
            if hub_id is None:
                return [[] for _ in windows]
            return await service.membership_windows(
                hub_id=hub_id, by=by, windows=windows, shared_with=shared_with
            )

        return load

    return info.context.loaders.get(f"OrganisationMember.pages:{by}:{shared_with}", factory)


def checked_window(window: slice, max_rows: int) -> tuple[int, int]:
    """(offset, limit) of the slice ListConnection asks for; odd cursors are BAD_USER_INPUT."""
    start = window.start or 0
    stop = window.stop if window.stop is not None else sys.maxsize
    if not 0 <= start <= MAX_OFFSET:
        raise BadInput("Not a valid cursor.")
    if stop - start > max_rows:
        # `before` alone (no first/last) would ask for everything up to the cursor.
        raise BadInput(f"Ask for at most {max_rows - 1} items with first or last.")
    return start, max(0, stop - start)


class BoundedQuery(AsyncIterable[T]):
    """A QuerySet for ListConnection that refuses unbounded or negative windows."""

    def __init__(self, query: QuerySet[T], *, max_page: int) -> None:
        self.query = query
        self.max_rows = max_page + 1  # ListConnection over-fetches one for hasNextPage

    def __getitem__(self, window: slice) -> QuerySet[T]:
        start, limit = checked_window(window, self.max_rows)
        return self.query.offset(start).limit(limit)

    def __aiter__(self) -> AsyncIterator[T]:
        return self[0 : self.max_rows].__aiter__()


class NoRows(AsyncIterable[Any]):
    """An empty connection (no hub to look in)."""

    def __getitem__(self, window: slice) -> AsyncIterator[Any]:
        return self.__aiter__()

    async def __aiter__(self) -> AsyncIterator[Any]:
        nothing: tuple[Any, ...] = ()
        for row in nothing:
            yield row


class LoadedPages(AsyncIterable[OrganisationMember]):
    """What a connection resolver returns so that the page it slices loads through a DataLoader.

    strawberry's ListConnection slices `nodes[start:stop]` and iterates the result; here that
    slice becomes one key of the batched loader, so a list of N parents costs one statement.
    """

    def __init__(
        self,
        loader: DataLoader[tuple[int, int, int], list[OrganisationMember]],
        key: int,
        *,
        max_page: int,
    ) -> None:
        self.loader = loader
        self.key = key
        self.max_rows = max_page + 1

    def __getitem__(self, window: slice) -> AsyncIterator[OrganisationMember]:
        return self._rows(*checked_window(window, self.max_rows))

    def __aiter__(self) -> AsyncIterator[OrganisationMember]:
        return self[0 : self.max_rows]

    async def _rows(self, start: int, limit: int) -> AsyncIterator[OrganisationMember]:
        for row in await self.loader.load((self.key, start, limit)):
            yield row
