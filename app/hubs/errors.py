from enum import StrEnum


class HubErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    DUPLICATE_SLUG = "duplicate_slug"
    # A language Community Hub has no catalogue for, or the source language (en-GB).
    UNSUPPORTED_LOCALE = "unsupported_locale"
