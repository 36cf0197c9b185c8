"""Error codes of the organisations module (exposed in GraphQL as OrganisationErrorCode)."""

from enum import StrEnum


class OrganisationErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    DUPLICATE_SLUG = "duplicate_slug"
    ALREADY_MEMBER = "already_member"
    LAST_OWNER = "last_owner"
