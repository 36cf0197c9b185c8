"""login: open a session and get an access and a refresh token."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from app.config import get_settings
from schema.auth.types import AuthError
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member


@strawberry.input
class LoginInput:
    hub_slug: str
    email: str
    password: str


@strawberry.type(description="Tokens are shown once: keep the refresh token safe.")
class TokenPayload:
    access_token: str | None = None
    refresh_token: str | None = None
    access_token_expires_in: int | None = strawberry.field(
        default=None, description="Seconds until the access token expires."
    )
    member: Member | None = None
    errors: list[AuthError] = strawberry.field(default_factory=list)


def token_payload(member: object, access: str, refresh: str) -> TokenPayload:
    return TokenPayload(
        access_token=access,
        refresh_token=refresh,
        access_token_expires_in=get_settings().access_token_ttl_seconds,
        member=member,  # type: ignore[arg-type]
    )


@errors_as_data(AuthError, AuthErrorCode, TokenPayload)
async def login(input: LoginInput, info: Info) -> TokenPayload:
    """Signs in with email and password."""
    member, access, refresh = await service.login(
        hub_slug=input.hub_slug,
        email=input.email,
        password=input.password,
        user_agent=info.context.request.headers.get("user-agent", ""),
    )
    await info.context.sign_in(access)
    return token_payload(member, access, refresh)
