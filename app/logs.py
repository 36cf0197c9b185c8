"""Structured logs (JSON lines by default) carrying the request id of the current request."""

import logging
import sys
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog

from app.config import get_settings

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# The client's address (after uvicorn's trusted X-Forwarded-For); None outside a request.
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


def _add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    rid = request_id_var.get()
    if rid:
        event.setdefault("request_id", rid)
    return event


def configure_logging() -> None:
    settings = get_settings()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer()
    )
    shared: list[structlog.types.Processor] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
        structlog.stdlib.ExtraAdder(),
    ]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("tortoise", "asyncio", "arq.worker"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, root.level))
