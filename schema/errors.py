"""Errors: domain errors become payload errors; reads fail with GraphQL errors carrying a code."""

import functools
import logging
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, ParamSpec, Protocol, TypeVar

from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import MaskErrors

from app.errors import AccessDenied, DomainError, DomainErrors, NotAuthenticated
from app.logs import request_id_var
from app.metrics import GRAPHQL_ERRORS

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class BadInput(Exception):
    """A malformed argument of a read (bad cursor, page size over the limit, wrong-type ID)."""


class ErrorType(Protocol):
    def __init__(self, *, code: Any, field: str | None, message: str) -> None: ...


def _to_code(code: Enum, enum: type[Enum]) -> Enum:
    if isinstance(code, enum):
        return code
    return enum.__members__.get(code.name) or enum["INVALID"]


def errors_as_data(
    error_type: type[ErrorType], code_enum: type[Enum], payload: Callable[..., T]
) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Turns DomainError(s) and AccessDenied raised by a mutation into `payload(errors=[...])`."""

    def decorate(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await fn(*args, **kwargs)
            except DomainErrors as exc:
                found = exc.errors
            except DomainError as exc:
                found = [exc]
            except NotAuthenticated:
                raise
            except AccessDenied as exc:
                found = [DomainError(code_enum["FORBIDDEN"], str(exc))]
            GRAPHQL_ERRORS.labels("user").inc()
            return payload(
                errors=[
                    error_type(code=_to_code(e.code, code_enum), field=e.field, message=e.message)
                    for e in found
                ]
            )

        return wrapper

    return decorate


class ClassifyErrors(MaskErrors):
    """Keeps useful errors visible with `extensions.code`; masks the rest with a request id."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [self._classify(e) for e in errors]

    def _classify(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            GRAPHQL_ERRORS.labels("request").inc()
            return error  # syntax, validation and limit errors: safe and useful
        if isinstance(original, AccessDenied):
            return self._with_code(error, original.code, str(original), "denied")
        if isinstance(original, (BadInput, relay.GlobalIDValueError)):
            return self._with_code(error, "BAD_USER_INPUT", str(original), "request")
        if isinstance(original, DomainError):
            typed = self._with_code(error, original.code.name, original.message, "user")
            if original.field:
                typed.extensions = {**(typed.extensions or {}), "field": original.field}
            return typed
        request_id = request_id_var.get() or "-"
        log.error("unexpected error", exc_info=original, extra={"path": error.path})
        GRAPHQL_ERRORS.labels("internal").inc()
        return GraphQLError(
            f"Unexpected error. Quote request id {request_id} if you report it.",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )

    @staticmethod
    def _with_code(error: GraphQLError, code: str, message: str, kind: str) -> GraphQLError:
        GRAPHQL_ERRORS.labels(kind).inc()
        return GraphQLError(message, nodes=error.nodes, path=error.path, extensions={"code": code})
