"""Typed domain errors: services raise them, the GraphQL layer turns them into payload errors."""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum

from app.i18n.translate import _


class DomainError(Exception):
    """An expected failure of a use case: a machine-readable code, the input field, a message."""

    def __init__(self, code: Enum, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"DomainError({self.code!r}, {self.message!r}, field={self.field!r})"


class ErrorBag:
    """Collects several field errors so a mutation reports all of them at once."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def add(self, code: Enum, message: str, field: str | None = None) -> None:
        self.errors.append(DomainError(code, message, field))

    @contextmanager
    def catch(self) -> Iterator[None]:
        """Runs one check; a DomainError it raises is collected instead of propagated."""
        try:
            yield
        except DomainError as exc:
            self.errors.append(exc)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainErrors(self.errors)


class DomainErrors(Exception):
    """Several DomainErrors raised together (validation of a whole input)."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class AccessDenied(Exception):
    """A read the viewer may not make: becomes a GraphQL error with extensions.code."""

    def __init__(
        self, message: str = _("You are not allowed to do this."), code: str = "FORBIDDEN"
    ):
        super().__init__(message)
        self.code = code


class NotAuthenticated(AccessDenied):
    def __init__(self, message: str = _("Sign in first.")) -> None:
        super().__init__(message, code="UNAUTHENTICATED")
