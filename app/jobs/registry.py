"""Job names and the app functions that run them."""

import importlib
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


def forget(name: str) -> None:
    """Unregisters a handler (its jobs then fail as 'no handler')."""
    _handlers.pop(name, None)


def handler_for(name: str) -> Handler | None:
    load_handlers()
    return _handlers.get(name)


# Modules whose import registers job handlers and event subscribers.
HANDLER_MODULES = (
    "app.mail.service",
    "app.credits.service",
    "app.matching.service",
    "app.integrations.webhooks",
    "app.opportunities.notices",
    "app.assets.wanted",
    "app.campaigns.settlement",
    "app.moderation.on_events",
    "app.campaigns.notify",
    "app.badges.on_events",
    "app.badges.notify",
    "app.gdpr.export",
)


_loaded = False


def load_handlers() -> None:
    """Imports the handler modules (once: importing an imported module registers nothing
    again, and the check cost tens of microseconds on every emitted event)."""
    global _loaded
    if _loaded:
        return
    for module in HANDLER_MODULES:
        importlib.import_module(module)
    _loaded = True
