"""register: join a hub with an email and a password."""

import strawberry

from app import i18n
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
    locale: str | None = strawberry.field(
        default=None,
        description="The language to write to them in (en-GB, it, es; it-IT works); left out:"
        " the hub's. Anything else is UNSUPPORTED_LOCALE. The payload's messages use it too.",
    )


@strawberry.type
class RegisterPayload:
    member: Member | None = None
    errors: list[AuthError] = strawberry.field(default_factory=list)


@errors_as_data(AuthError, AuthErrorCode, RegisterPayload)
async def register(input: RegisterInput, info: Info) -> RegisterPayload:
    """Creates an unverified member and emails a verification link."""
    if i18n.supported(input.locale):  # the payload's messages read in the chosen language
        i18n.set_locale(input.locale)
    member = await service.register(
        hub_slug=input.hub_slug,
        email=input.email,
        password=input.password,
        display_name=input.display_name,
        locale=input.locale,
    )
    info.context.enter_hub(member.hub_id)
    return RegisterPayload(member=member)  # type: ignore[arg-type]
