"""resendVerificationEmail: a fresh link for an unverified account (same answer for any email)."""

import strawberry

from app.auth import service
from app.auth.errors import AuthErrorCode
from schema.auth.types import AuthError
from schema.errors import errors_as_data


@strawberry.input
class ResendVerificationEmailInput:
    hub_slug: str
    email: str


@strawberry.type
class ResendVerificationEmailPayload:
    ok: bool = False
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, ResendVerificationEmailPayload)
async def resend_verification_email(
    input: ResendVerificationEmailInput,
) -> ResendVerificationEmailPayload:
    """Emails a new verification link if the account exists and is unverified."""
    await service.resend_verification(hub_slug=input.hub_slug, email=input.email)
    return ResendVerificationEmailPayload(ok=True)
