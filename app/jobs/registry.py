"""Job names and the app functions that run them."""

from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[..., Awaitable[Any]]
_handlers: dict[str, Handler] = {}


def job(name: str) -> Callable[[Handler], Handler]:
    """Registers an idempotent job handler under `name`; it receives the payload as kwargs."""

    def register(fn: Handler) -> Handler:
        if name in _handlers and _handlers[name] is not fn:
            raise ValueError(f"job {name!r} registered twice")
        _handlers[name] = fn
        return fn

    return register


def handler_for(name: str) -> Handler | None:
    load_handlers()
    return _handlers.get(name)


def load_handlers() -> None:
    # Importing the modules registers their handlers.
    import app.credits.service
    import app.mail.service
    import app.opportunities.notices  # noqa: F401
