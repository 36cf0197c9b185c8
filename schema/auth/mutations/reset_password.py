"""resetPassword: set a new password with the token from the emailed link."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.types import AuthError
from schema.errors import errors_as_data


@strawberry.input
class ResetPasswordInput:
    token: str
    new_password: str


@strawberry.type
class ResetPasswordPayload:
    ok: bool = False
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, ResetPasswordPayload)
async def reset_password(input: ResetPasswordInput) -> ResetPasswordPayload:
    """Sets the new password and signs out every session."""
    await service.reset_password(token=input.token, new_password=input.new_password)
    return ResetPasswordPayload(ok=True)
