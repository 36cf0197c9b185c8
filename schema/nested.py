"""Connections below a list (an opportunity's applications, a campaign's backers...) loaded
for all the parents of a request in one statement.

Each resolver gives the rows of many parents as one query (`parent__in`, the policy's filter,
the field's own filters); a window keeps each parent's first rows, as many as its page needs
(the cursors are offsets, schema/relay.py), and Page slices that list as usual. Without it a
page of 100 opportunities asking for their applications runs 100 statements.
"""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.types.nodes import SelectedField
from tortoise import Tortoise
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.context import Info
from schema.errors import BadInput
from schema.relay import MAX_OFFSET, cursor_offset

M = TypeVar("M", bound=Model)
Build = Callable[[list[int]], Awaitable[QuerySet[Any]]]


@dataclass(frozen=True)
class Children:
    """Rows of `model` under a parent named by `parent_column`, in `order` (columns;
    "-name" descending), the same order the page is sliced in."""

    model: type[Model]
    parent_column: str
    order: tuple[str, ...]


async def page_rows(
    info: Info, children: Children, parent_id: int, build: Build, shape: Hashable = ()
) -> list[Any]:
    """The parent's rows the connection's page needs, batched with the other parents that
    ask for the same field with the same arguments (`shape`) in this request."""
    limit = rows_needed(info)
    key = f"nested:{children.model.__name__}.{children.parent_column}:{shape!r}:{limit}"

    def factory(_hub_id: int | None) -> Callable[[list[int]], Awaitable[list[list[Any]]]]:
        return lambda ids: _load(children, build, ids, limit)

    return await info.context.loaders.get(key, factory).load(parent_id)  # type: ignore[no-any-return]


def rows_needed(info: Info) -> int:
    """How many of one parent's rows the page's slice reads, plus one for hasNextPage."""
    field = info.selected_fields[0]
    args = field.arguments if isinstance(field, SelectedField) else {}  # variables filled in
    try:
        after, before = (
            None if args.get(name) is None else cursor_offset(args[name])
            for name in ("after", "before")
        )
    except BadInput:
        return 1  # a bad cursor: Page answers BAD_INPUT whatever is loaded
    start = 0 if after is None else after + 1
    if before is not None:
        return before + 1
    first = args.get("first")
    size = first if isinstance(first, int) and first >= 0 else info.schema.config.relay_max_results
    return min(start + size, MAX_OFFSET + 1) + 1


async def _load(children: Children, build: Build, ids: list[int], limit: int) -> list[list[Any]]:
    query = await build(ids)
    # tortoise builds the statement (filters, joins, the policy's subqueries) and keeps its
    # parameters; QuerySet.sql() would drop them, so the builder's own method is called.
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, params = query.query.get_parameterized_sql()
    order = ", ".join(
        f'q."{c[1:]}" DESC' if c.startswith("-") else f'q."{c}"' for c in children.order
    )
    parent = children.parent_column
    wrapped = (
        f'SELECT * FROM (SELECT q.*, row_number() OVER (PARTITION BY q."{parent}" ORDER BY'
        f' {order}) AS "_nested_rank" FROM ({sql}) q) w WHERE "_nested_rank" <= ${len(params) + 1}'
        f' ORDER BY "{parent}", "_nested_rank"'
    )
    connection = Tortoise.get_connection("default")
    rows = await connection.execute_query_dict(wrapped, [*params, limit])
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        row.pop("_nested_rank")
        grouped[row[parent]].append(children.model._init_from_db(**row))
    return [grouped.get(i, []) for i in ids]
