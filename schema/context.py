"""The per-request GraphQL context: who is asking, in which hub, and the request's DataLoaders."""

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from app.actor import Actor
from app.auth import service as auth
from app.errors import NotAuthenticated
from app.policy import Viewer
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
    # The hub runs only its registered documents (schema/documents.py).
    trusted_documents_only: bool = False
    # The reader's language (app/i18n/locales.py resolve), also in app.i18n's contextvar.
    locale: str = "en-GB"
    _viewer: tuple[Any, Viewer] | None = field(default=None, repr=False)

    @property
    def viewer(self) -> Viewer:
        """Who is asking, for the policy table; rebuilt when the actor or loaders change
        (a subscription signs in after the handshake and renews its loaders per event)."""
        key = (self.actor, self.hub_id, self.loaders)
        if self._viewer is None or not _same(self._viewer[0], key):
            self._viewer = (key, Viewer.of(self.actor, self.hub_id, self.loaders.fetch))
        return self._viewer[1]

    def enter_hub(self, hub_id: int) -> None:
        """An anonymous request that named its hub in its input (register, verifyEmail)."""
        if self.hub_id is None:
            self.hub_id, self.loaders = hub_id, Loaders(hub_id)

    async def sign_in(self, access_token: str) -> None:
        """The rest of the operation runs as the session it just opened (login, refresh):
        the member reads their own payload in full."""
        self.actor, self.auth_error = await auth.authenticate(access_token, guests=True), None
        self.hub_id, self.loaders = self.actor.hub_id, Loaders(self.actor.hub_id)

    def require_actor(self) -> Actor:
        """The signed-in actor, or a GraphQL error with code UNAUTHENTICATED."""
        if self.actor is None:
            raise self.auth_error or NotAuthenticated()
        return self.actor


def _same(old: tuple[Any, Any, Any], new: tuple[Any, Any, Any]) -> bool:
    return old[0] is new[0] and old[1] == new[1] and old[2] is new[2]


Info = strawberry.Info[Context, None]
