"""Error codes of the people module (members, skills, trust checks, roles, proxy members)."""

from enum import StrEnum


class PeopleErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    # A skill slug, or a pending check of the same kind, exists already.
    DUPLICATE = "duplicate"
    # The hub would be left without a hub admin.
    LAST_ADMIN = "last_admin"
    # Nobody reviews their own trust check.
    OWN_CHECK = "own_check"
    # Only pending trust checks can be reviewed.
    ALREADY_REVIEWED = "already_reviewed"
    # A language Community Hub has no catalogue for (app/i18n/locales.py SUPPORTED).
    UNSUPPORTED_LOCALE = "unsupported_locale"
