"""register: join a hub with an email and a password."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.types import AuthError
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member


@strawberry.input
class RegisterInput:
    hub_slug: str
    email: str
    password: str
    display_name: str


@strawberry.type
class RegisterPayload:
    member: Member | None = None
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, RegisterPayload)
async def register(input: RegisterInput, info: Info) -> RegisterPayload:
    """Creates an unverified member and emails a verification link."""
    member = await service.register(
        hub_slug=input.hub_slug,
        email=input.email,
        password=input.password,
        display_name=input.display_name,
    )
    info.context.enter_hub(member.hub_id)
    return RegisterPayload(member=member)  # type: ignore[arg-type]
