"""Relay helpers: ORM rows as node roots, global IDs, bounded connections."""

import binascii
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from strawberry import relay
from strawberry.relay.types import NodeIterableType, NodeType
from tortoise.models import Model

from app import ids
from app.errors import DomainError
from app.i18n import _
from schema.errors import BadInput

T = TypeVar("T")


def orm_node(model: type[Model]) -> Any:
    """Lets a strawberry Node type take rows of `model` as roots, and resolve `node(id:)`.

    Rows load through the request's hub-filtered DataLoader; who may see them is the policy
    table's business (schema/policy.py filters every field that returns rows).
    """

    def decorate(cls: type[T]) -> type[T]:
        async def resolve_nodes(
            _cls: Any, *, info: Any, node_ids: Iterable[str], required: bool = False
        ) -> list[Any]:
            try:
                pks = [db_id(i) for i in node_ids]
            except ValueError as exc:
                raise BadInput("Not a valid ID.") from exc
            return list(await info.context.loaders.by_id(model).load_many(pks))

        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        definition.is_type_of = lambda obj, _info: isinstance(obj, (model, cls))
        cls.resolve_nodes = classmethod(resolve_nodes)  # type: ignore[attr-defined]
        return cls

    return decorate


MAX_DB_ID = ids.MAX_DB_ID
# The database id inside a global ID (app/ids.py: one encoding for the API and what leaves the
# system without it, webhook payloads).
db_id = ids.db_id


def decode_id(gid: relay.GlobalID | str, type_name: str, *, field: str, invalid: Enum) -> int:
    """The database id inside a global ID of the expected type, or a typed input error."""
    try:
        if isinstance(gid, relay.GlobalID):
            found, node_id = gid.type_name, gid.node_id
        else:
            found, node_id = ids.parse(gid)
        if found != type_name:
            raise DomainError(
                invalid, _("Expected the ID of a {type_name}.", type_name=type_name), field
            )
        return db_id(node_id)
    except ValueError as exc:
        raise DomainError(invalid, _("Not a valid ID."), field) from exc


def encode_id(type_name: str, pk: int) -> relay.GlobalID:
    """Row `pk` of `type_name` as a GlobalID: its string is app.ids.global_id(type_name, pk)."""
    return relay.GlobalID.from_id(ids.global_id(type_name, pk))


@strawberry.type(
    description="A page of results; `first` is capped at the schema's maximum page size."
)
class Page(relay.ListConnection[NodeType]):
    @classmethod
    def resolve_connection(
        cls,
        nodes: NodeIterableType[NodeType],
        *,
        info: Any,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Any:
        if last is not None and before is None:
            raise BadInput("Use `last` together with `before`.")
        if before is not None and first is None and last is None:
            raise BadInput("Use `before` together with `first` or `last`.")
        for cursor in (after, before):
            if cursor is not None:
                _check_cursor(cursor)
        try:
            return super().resolve_connection(
                nodes,
                info=info,
                before=before,
                after=after,
                first=first,
                last=last,
                max_results=max_results,
                **kwargs,
            )
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BadInput("Not a valid cursor.") from exc
        except (ValueError, TypeError) as exc:
            raise BadInput(str(exc) or "Bad pagination arguments.") from exc


MAX_OFFSET = 100_000


def _check_cursor(cursor: str) -> None:
    cursor_offset(cursor)


def cursor_offset(cursor: str) -> int:
    """The offset in one of our cursors (opaque offsets); anything else, or one past
    MAX_OFFSET, is bad input."""
    try:
        prefix, value = relay.from_base64(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadInput("Not a valid cursor.") from exc
    # Digits only (int() would take " 5", "+5", "5_0" and other scripts' digits), and checked
    # before int() so that a cursor of a million digits costs nothing.
    if prefix != "arrayconnection" or not (value.isascii() and value.isdigit()):
        raise BadInput("Not a valid cursor.")
    if len(value) > len(str(MAX_OFFSET)) or int(value) > MAX_OFFSET:
        raise BadInput("Not a valid cursor.")
    return int(value)


KEYSET_PREFIX = "key"


@strawberry.type(
    description="A page of a newest-first feed. Cursors are row keys, so rows added while a"
    " client pages never shift or repeat lines. Pages forwards only (first/after)."
)
class KeysetPage(relay.ListConnection[NodeType]):
    @classmethod
    def resolve_connection(
        cls,
        nodes: NodeIterableType[NodeType],
        *,
        info: Any,
        before: str | None = None,
        after: str | None = None,
        first: int | None = None,
        last: int | None = None,
        max_results: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """`nodes` must be a QuerySet ordered by descending id."""
        if last is not None or before is not None:
            raise BadInput("This list pages forwards only: use `first` and `after`.")
        limit = max_results or info.schema.config.relay_max_results
        size = limit if first is None else first
        if not 0 <= size <= limit:
            raise BadInput(f"Ask for 0 to {limit} items.")
        query: Any = nodes
        if after is not None:
            query = query.filter(id__lt=_keyset_id(after))

        async def resolve() -> Any:
            rows = list(await query.limit(size + 1)) if size else []
            edges = [
                relay.Edge(
                    node=cls.resolve_node(row, info=info, **kwargs),
                    cursor=relay.to_base64(KEYSET_PREFIX, row.id),
                )
                for row in rows[:size]
            ]
            return cls(
                edges=edges,
                page_info=relay.PageInfo(
                    start_cursor=edges[0].cursor if edges else None,
                    end_cursor=edges[-1].cursor if edges else None,
                    has_previous_page=after is not None,
                    has_next_page=len(rows) > size,
                ),
            )

        return resolve()


def _keyset_id(cursor: str) -> int:
    """The row id inside a keyset cursor, within the bounds of every database id (db_id)."""
    try:
        prefix, value = relay.from_base64(cursor)
        if prefix != KEYSET_PREFIX:
            raise ValueError(prefix)
        return db_id(value)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadInput("Not a valid cursor.") from exc
