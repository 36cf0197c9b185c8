"""Errors: domain errors become payload errors; reads fail with GraphQL errors carrying a code."""

import functools
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from enum import Enum
from typing import Any, ParamSpec, Protocol, TypeVar

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from strawberry import relay
from strawberry.extensions import MaskErrors
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.utils.aio import aclosing

from app.errors import AccessDenied, DomainError, DomainErrors, NotAuthenticated
from app.faults import is_transient
from app.i18n import localize
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
                found = [DomainError(code_enum["FORBIDDEN"], exc.args[0] if exc.args else str(exc))]
            GRAPHQL_ERRORS.labels("user").inc()
            return payload(
                errors=[
                    error_type(
                        code=_to_code(e.code, code_enum),
                        field=e.field,
                        message=localize(e.message),  # in the reader's language
                    )
                    for e in found
                ]
            )

        def forbidden(message: str) -> T:
            """The payload of a caller the policy table refuses (schema/policy.py)."""
            GRAPHQL_ERRORS.labels("user").inc()
            return payload(
                errors=[
                    error_type(code=code_enum["FORBIDDEN"], field=None, message=localize(message))
                ]
            )

        wrapper.forbidden = forbidden  # type: ignore[attr-defined]
        return wrapper

    return decorate


class Kind(Enum):
    """Who an error is for: the client (request, denied, user) or the operators (internal)."""

    REQUEST = "request"  # syntax, validation, limits, bad input
    DENIED = "denied"
    USER = "user"
    TRANSIENT = "transient"  # a passing fault (a lost connection): nothing changed, try again
    INTERNAL = "internal"


def kind_of(error: GraphQLError) -> Kind:
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return Kind.REQUEST
    if isinstance(original, AccessDenied):
        return Kind.DENIED
    if isinstance(original, (BadInput, relay.GlobalIDValueError)):
        return Kind.REQUEST
    if isinstance(original, DomainError):
        return Kind.USER
    if is_transient(original):
        return Kind.TRANSIENT
    return Kind.INTERNAL


def _code(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


class HubSchema(strawberry.Schema):
    """Logs what the client got wrong at INFO without a traceback (anyone can send those, and
    they would drown the real faults); only unexpected exceptions at ERROR, with the request id.

    `execute` also classifies the errors strawberry returns without running the extensions'
    last step (an exception in an extension's hook, e.g. a syntax error found by the parser
    cache), so none leaves uncoded or unmasked. `stream` (subscriptions, and anything else
    sent over graphql-transport-ws) does the same for every result, and turns an exception
    that escapes strawberry's stream (the same hooks raise there instead of answering) into an
    error result: a syntax error is GRAPHQL_PARSE_FAILED, anything unexpected is masked.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            log_error(error)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        result = await super().execute(*args, **kwargs)
        if result.errors:
            result.errors = [e if _code(e) else classify(e) for e in result.errors]
        return result

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        return _coded(await super().stream(*args, **kwargs))


async def _coded(source: AsyncGenerator[Any, None]) -> AsyncGenerator[Any, None]:
    try:
        async with aclosing(source):
            async for result in source:
                if isinstance(result, ExecutionResult) and result.errors:
                    result.errors = [e if _code(e) else classify(e) for e in result.errors]
                yield result
    except GraphQLError as exc:
        log_error(exc)
        # A plain GraphQLError: the transport answers it with an `error` message for this
        # operation, where a GraphQLSyntaxError would close the socket (and every other
        # subscription on it).
        plain = GraphQLError(
            exc.message,
            nodes=exc.nodes,
            source=exc.source,
            positions=exc.positions,
            path=exc.path,
            extensions=exc.extensions,
        )
        if _code(plain) is None:
            parse_failed = isinstance(exc, GraphQLSyntaxError)
            plain.extensions = {"code": "GRAPHQL_PARSE_FAILED" if parse_failed else BAD_INPUT}
        yield PreExecutionError(data=None, errors=[plain])
    except Exception as exc:  # not CancelledError (a BaseException): a socket closing
        error = GraphQLError(str(exc), original_error=exc)
        log_error(error)
        yield PreExecutionError(data=None, errors=[classify(error)])


def log_error(error: GraphQLError) -> None:
    kind = kind_of(error)
    if kind is Kind.TRANSIENT:
        log.warning(
            "transient fault: %r",
            error.original_error,
            extra={"path": error.path, "request_id": request_id_var.get() or "-"},
        )
    elif kind is Kind.INTERNAL:
        log.error(
            "unexpected error: %s",
            error.message,
            exc_info=error.original_error,
            extra={"path": error.path, "request_id": request_id_var.get() or "-"},
        )
    else:
        log.info(
            "client error: %s",
            error.message,
            extra={"kind": kind.value, "code": _code(error), "path": error.path},
        )


def classify(error: GraphQLError) -> GraphQLError:
    """The error as the client sees it, with `extensions.code`; idempotent."""
    GRAPHQL_ERRORS.labels(kind_of(error).value).inc()
    original = error.original_error
    if isinstance(original, AccessDenied):
        said = original.args[0] if original.args else str(original)
        typed = _with_code(error, original.code, localize(said))
        extra = getattr(original, "extensions", None)  # e.g. the scope of INSUFFICIENT_SCOPE
        if extra:
            typed.extensions = {**(typed.extensions or {}), **extra}
        return typed
    if isinstance(original, DomainError):
        typed = _with_code(error, original.code.name, localize(original.message))
        if original.field:
            typed.extensions = {**(typed.extensions or {}), "field": original.field}
        return typed
    if isinstance(original, (BadInput, relay.GlobalIDValueError)):
        return _with_code(error, "BAD_USER_INPUT", str(original))
    if original is None or isinstance(original, GraphQLError):
        if _code(error) is None:
            # Validation errors were typed in ClassifyErrors.on_validate; what is left is a
            # syntax error, or input that does not fit (variables, an unknown operation name,
            # a value strawberry cannot parse, like a GlobalID).
            code = "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else BAD_INPUT
            error.extensions = {**(error.extensions or {}), "code": code}
        return error  # syntax, validation and limit errors: safe and useful
    request_id = request_id_var.get() or "-"
    if is_transient(original):
        return GraphQLError(
            "A passing fault stopped this request and nothing was changed: try again (with the"
            " same idempotency key).",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "SERVICE_UNAVAILABLE", "requestId": request_id},
        )
    return GraphQLError(
        f"Unexpected error. Quote request id {request_id} if you report it.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    )


def _with_code(error: GraphQLError, code: str, message: str) -> GraphQLError:
    return GraphQLError(message, nodes=error.nodes, path=error.path, extensions={"code": code})


BAD_INPUT = "BAD_USER_INPUT"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


class ClassifyErrors(MaskErrors):
    """Gives every error a machine-readable `extensions.code`: request errors (parse,
    validation, limits, bad input) and expected ones keep their message; the rest is masked
    with the request id."""

    def on_validate(self) -> Iterator[None]:
        yield
        # Only here are validation errors told apart from input found not to fit later.
        for error in self.execution_context.pre_execution_errors or ():
            if _code(error) is None:
                error.extensions = {**(error.extensions or {}), "code": VALIDATION_FAILED}

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [classify(e) for e in errors]
