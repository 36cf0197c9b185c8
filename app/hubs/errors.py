from enum import StrEnum


class HubErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    DUPLICATE_SLUG = "duplicate_slug"
