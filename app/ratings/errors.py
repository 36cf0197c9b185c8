from enum import StrEnum


class RatingsErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_CLOSED = "not_closed"  # ratings are read once the trial's window has closed
    WOULD_ISOLATE = "would_isolate"  # a period that, set against others, isolates < k testers
