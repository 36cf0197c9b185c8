from enum import StrEnum


class HubErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    DUPLICATE_SLUG = "duplicate_slug"
