"""An API client's own identity, which its client-credentials tokens act as.

A server-to-server token (RFC 6749 4.4) belongs to the client, not to a person: acting as the
member who registered it would lend the app that person's profile, credits and hub roles.
So each client gets a member row of status SERVICE, named after the client:
- a client of an organisation: staff of that organisation, so the policy table gives its
  tokens the organisation's data (its opportunities, their applications), nothing more;
- a client of the hub: the hub roles its admins gave it when registering it, else none
  (a council CRM that manages the hub's webhooks is given hub admin, explicitly and audited).
The token's scopes bound both. The identity cannot sign in (no email, no password), is never
matched, paid or counted among active members, and its actions are audited under its name.
"""

from app.oauth.models import ApiClient
from app.organisations.models import OrganisationMember, OrganisationRole
from app.people.models import Member, MemberRole, MemberStatus, Role

# What hub admins may give a hub client's identity (not MEMBER: it does not volunteer).
GRANTABLE = frozenset(Role) - {Role.MEMBER}
NAME_SUFFIX = " (app)"


async def create(*, client: ApiClient, roles: frozenset[Role] = frozenset()) -> Member:
    """The client's identity, made in the caller's transaction; links it to the client."""
    member = await Member.create(
        hub_id=client.hub_id,
        display_name=(client.name[: 80 - len(NAME_SUFFIX)] + NAME_SUFFIX),
        status=MemberStatus.SERVICE,
    )
    if client.organisation_id is not None:
        await OrganisationMember.create(
            hub_id=client.hub_id,
            organisation_id=client.organisation_id,
            member_id=member.id,
            role=OrganisationRole.STAFF,
        )
    for role in sorted(roles):
        await MemberRole.create(hub_id=client.hub_id, member_id=member.id, role=role)
    await ApiClient.filter(id=client.id).update(service_member_id=member.id)
    client.service_member_id = member.id
    return member
