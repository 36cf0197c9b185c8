"""verifyEmail: confirm the address with the token from the emailed link."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.types import AuthError
from schema.context import Info
from schema.errors import errors_as_data
from schema.people.types import Member


@strawberry.input
class VerifyEmailInput:
    token: str


@strawberry.type
class VerifyEmailPayload:
    member: Member | None = None
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, VerifyEmailPayload)
async def verify_email(input: VerifyEmailInput, info: Info) -> VerifyEmailPayload:
    """Marks the email address as verified."""
    member = await service.verify_email(token=input.token)
    info.context.enter_hub(member.hub_id)
    return VerifyEmailPayload(member=member)  # type: ignore[arg-type]
