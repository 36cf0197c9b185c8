from enum import StrEnum


class IntegrationErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    UNSAFE_URL = "unsafe_url"
    UNKNOWN_EVENT = "unknown_event"
