"""Role use cases live in app.people.service; this module keeps the old import path."""

from app.people.service import grant_role, revoke_role, roles_of

__all__ = ["grant_role", "revoke_role", "roles_of"]
