"""logout: end the current session."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.types import AuthError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, LogoutPayload)
async def logout(info: Info) -> LogoutPayload:
    """Revokes the access and refresh tokens of this session."""
    await service.logout(actor=info.context.require_actor())
    return LogoutPayload(ok=True)
