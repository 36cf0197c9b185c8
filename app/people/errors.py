from enum import StrEnum


class PeopleErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    LAST_ADMIN = "last_admin"
    OWN_CHECK = "own_check"
    ALREADY_REVIEWED = "already_reviewed"
