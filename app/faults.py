"""Faults worth another attempt: a lost connection, a timeout, a serialisation failure.

Jobs retry them (app.jobs.runner); the API tells the client to try again (schema/errors.py)
instead of masking them as a bug.
"""

from collections.abc import Iterator

import asyncpg
import redis.exceptions

# Connection exceptions, transaction rollbacks (serialisation, deadlock), insufficient
# resources, query cancelled (statement timeout), operator intervention (terminated sessions).
_TRANSIENT_SQLSTATES = ("08", "40", "53", "57014", "57P")


def is_transient(exc: BaseException, *also: type[BaseException]) -> bool:
    """Whether `exc` (or what caused it) is a passing fault: one of `also`, a timeout, a lost
    connection to PostgreSQL or Redis, or a PostgreSQL error worth retrying."""
    return any(_transient(e, also) for e in _causes(exc))


def _transient(exc: BaseException, also: tuple[type[BaseException], ...]) -> bool:
    if isinstance(exc, (*also, OSError, asyncpg.InterfaceError)):
        return True  # OSError covers TimeoutError and ConnectionError
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return True
    return str(getattr(exc, "sqlstate", "") or "").startswith(_TRANSIENT_SQLSTATES)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
