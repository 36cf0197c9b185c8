"""Who is acting: the signed-in member, their roles, and a coordinator acting for them."""

from dataclasses import dataclass, field
from enum import Enum

from app.errors import AccessDenied, DomainError
from app.i18n import _
from app.people.models import Member, Role


@dataclass(frozen=True, slots=True)
class Actor:
    member: Member
    roles: frozenset[Role] = field(default_factory=frozenset)
    # The coordinator who is acting on the member's behalf, if any (recorded in the audit log).
    acted_by: Member | None = None
    session_id: int | None = None
    # An OAuth access token's scopes (app/oauth/requirements.py); None: the member's own
    # session, which scopes do not limit.
    scopes: frozenset[str] | None = None
    # The API client (ApiClient.id) whose token this is.
    api_client_id: int | None = None

    @property
    def hub_id(self) -> int:
        return self.member.hub_id  # type: ignore[attr-defined, no-any-return]

    @property
    def member_id(self) -> int:
        return self.member.id

    @property
    def guest(self) -> bool:
        """A partner hub's member acting here as a guest (app/federation/guests.py): the policy
        table lets them call only the operations it marks for guests. A guest acting for someone
        (app/people/proxy.py refuses it) is a guest all the same."""
        return self.member.is_guest or (self.acted_by is not None and self.acted_by.is_guest)

    @property
    def by_token(self) -> bool:
        """An OAuth access token's actor: held to its scopes, field by field."""
        return self.scopes is not None

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    def has_role(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    def require_role(self, *roles: Role) -> None:
        if not self.has_role(*roles):
            names = ", ".join(r.value for r in roles)
            raise AccessDenied(_("This needs one of these roles in the hub: {names}.", names=names))


def home_of(actor: "Actor | None", *, invalid: Enum, field: str) -> tuple[float, float]:
    """The signed-in member's home point, for searches measured from home; `invalid` (the
    caller's module's INVALID code) on `field` when no home is set."""
    member = actor.member if actor else None
    if member is None or member.home_lat is None or member.home_lng is None:
        raise DomainError(invalid, _("Set your home location first."), field)
    return (member.home_lat, member.home_lng)
