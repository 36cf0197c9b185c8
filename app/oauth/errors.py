from enum import StrEnum


class ApiClientErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    UNKNOWN_SCOPE = "unknown_scope"
    INVALID_REDIRECT_URI = "invalid_redirect_uri"
