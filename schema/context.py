"""The per-request GraphQL context: who is asking, in which hub, and the request's DataLoaders."""

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.actor import Actor
from app.errors import NotAuthenticated
from schema.loaders import Loaders


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket | None
    actor: Actor | None
    hub_id: int | None
    auth_error: NotAuthenticated | None = None
    loaders: Loaders = field(default_factory=lambda: Loaders(None))
    connection_params: dict[str, Any] | None = None

    def require_actor(self) -> Actor:
        """The signed-in actor, or a GraphQL error with code UNAUTHENTICATED."""
        if self.actor is None:
            raise self.auth_error or NotAuthenticated()
        return self.actor


Info = strawberry.Info[Context, None]
