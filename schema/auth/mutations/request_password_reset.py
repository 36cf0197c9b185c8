"""requestPasswordReset: email a reset link (answers the same whether or not the account exists)."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.types import AuthError
from schema.errors import errors_as_data


@strawberry.input
class RequestPasswordResetInput:
    hub_slug: str
    email: str


@strawberry.type
class RequestPasswordResetPayload:
    ok: bool = False
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, RequestPasswordResetPayload)
async def request_password_reset(input: RequestPasswordResetInput) -> RequestPasswordResetPayload:
    """Sends a one-hour reset link to the address, if it belongs to a member."""
    await service.request_password_reset(hub_slug=input.hub_slug, email=input.email)
    return RequestPasswordResetPayload(ok=True)
