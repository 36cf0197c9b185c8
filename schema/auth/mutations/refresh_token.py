"""refreshToken: swap a refresh token for a new pair (the old one stops working)."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.mutations.login import TokenPayload, token_payload
from schema.auth.types import AuthError
from schema.context import Info
from schema.errors import errors_as_data


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@errors_as_data(AuthError, AuthErrorCode, TokenPayload)
async def refresh_token(input: RefreshTokenInput, info: Info) -> TokenPayload:
    """Rotates the refresh token; reusing an old one ends the session."""
    member, access, refresh = await service.refresh(refresh_token=input.refresh_token)
    await info.context.sign_in(access)
    return token_payload(member, access, refresh)
