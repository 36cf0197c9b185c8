"""Types shared by the sign-in mutations."""

import strawberry

from app.auth.errors import AuthErrorCode as AuthErrorCodeEnum

AuthErrorCode = strawberry.enum(AuthErrorCodeEnum, name="AuthErrorCode")


@strawberry.type(description="Why a sign-in mutation did not do what was asked.")
class AuthError:
    code: AuthErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str
