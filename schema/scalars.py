"""Input checked once at the edge: text PostgreSQL can store, dates Python and PostgreSQL hold.

graphql-core reserves the name `String` (a schema cannot redefine it), so text is checked by a
schema extension over the whole request, every variable and every string literal, before
anything runs; `Date` and `DateTime` are scalar overrides that refuse values on parse.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from operator import methodcaller
from typing import Any

import dateutil.parser
from graphql import BREAK, DocumentNode, GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension
from strawberry.types.scalar import ScalarDefinition

BAD_USER_INPUT = "BAD_USER_INPUT"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# A day inside Python's calendar on each side, so that converting a value to any time zone
# (UTC-12 to UTC+14) or a day's arithmetic in a service can never leave it.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)


def unstorable(text: str) -> str | None:
    """What in `text` PostgreSQL cannot store (NUL, a lone UTF-16 surrogate), else None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "a NUL character" if found.group() == "\x00" else "a lone surrogate"


def _in_value(value: Any, path: str) -> tuple[str, str] | None:
    """(where, what) of the first unstorable text in a JSON value, keys included; no recursion,
    so a deeply nested variable cannot exhaust the stack."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if what := unstorable(item):
                return where, what
        elif isinstance(item, dict):
            for key, child in item.items():
                if what := unstorable(str(key)):
                    return where, f"{what} in a key"
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(item))))
    return None


def _in_variables(variables: dict[str, Any] | None) -> GraphQLError | None:
    found = _in_value(variables or {}, "")
    if found is None:
        return None
    where, what = found
    return GraphQLError(
        f"Variable '${where.lstrip('.')}' contains {what}, which text cannot hold.",
        extensions={"code": BAD_USER_INPUT},
    )


class _FirstBadLiteral(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.error: GraphQLError | None = None

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if what := unstorable(node.value):
            self.error = GraphQLError(
                f"A string in the document contains {what}, which text cannot hold.",
                nodes=[node],
                extensions={"code": BAD_USER_INPUT},
            )
            return BREAK
        return None


def _in_document(document: DocumentNode) -> GraphQLError | None:
    finder = _FirstBadLiteral()
    visit(document, finder)
    return finder.error


class RefuseUnstorableText(SchemaExtension):
    """Refuses a request any of whose strings (variables, literals, any scalar) holds a NUL
    or a lone surrogate: PostgreSQL text cannot store them and asyncpg cannot encode them."""

    def on_validate(self) -> Iterator[None]:
        # Before the yield: strawberry reads the errors before the hooks' second halves run.
        # Listed after ValidationCache, so a document that does not validate is left to it.
        ctx = self.execution_context
        if ctx.graphql_document is not None and not ctx.pre_execution_errors:
            error = _in_variables(ctx.variables) or _in_document(ctx.graphql_document)
            if error is not None:
                ctx.pre_execution_errors = [error]
        yield


def _refuse(kind: str, value: object, why: str) -> GraphQLError:
    """Typed as bad input (a literal's error reaches the client as raised here)."""
    shown = f' "{value[:40]}"' if isinstance(value, str) and not unstorable(value) else ""
    return GraphQLError(
        f"Value cannot represent a {kind}{shown}: {why}", extensions={"code": BAD_USER_INPUT}
    )


def _within_calendar(moment: datetime, kind: str, value: object) -> None:
    try:
        utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError as exc:
        raise _refuse(kind, value, "it lies outside the calendar.") from exc
    if not EARLIEST <= utc <= LATEST:
        raise _refuse(kind, value, f"use a time from {EARLIEST.date()} to {LATEST.date()} UTC.")


def parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise _refuse("DateTime", value, "expected an ISO 8601 string.")
    try:
        moment = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError) as exc:
        raise _refuse("DateTime", value, "expected an ISO 8601 date and time.") from exc
    _within_calendar(moment, "DateTime", value)
    return moment


def parse_date(value: object) -> date:
    if not isinstance(value, str):
        raise _refuse("Date", value, "expected an ISO 8601 string.")
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise _refuse("Date", value, "expected an ISO 8601 date.") from exc
    # The same days as DateTime: the whole day, in any time zone, stays in Python's calendar.
    if not EARLIEST.date() <= day <= LATEST.date():
        raise _refuse("Date", value, f"use a day from {EARLIEST.date()} to {LATEST.date()}.")
    return day


_isoformat = methodcaller("isoformat")

DateTime = ScalarDefinition(
    name="DateTime",
    description="Date with time (isoformat)",
    specified_by_url=None,
    serialize=_isoformat,
    parse_value=parse_datetime,
    parse_literal=None,
    origin=datetime,
)

Date = ScalarDefinition(
    name="Date",
    description="Date (isoformat)",
    specified_by_url=None,
    serialize=_isoformat,
    parse_value=parse_date,
    parse_literal=None,
    origin=date,
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {datetime: DateTime, date: Date}
