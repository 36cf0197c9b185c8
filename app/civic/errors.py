from enum import StrEnum


class CivicErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    OUTSIDE_AREA = "outside_area"  # the place is outside the hub's area
    NO_AREA = "no_area"  # the hub has set no area (wards or a circle) yet
    ALREADY_EXISTS = "already_exists"
    BAD_TRANSITION = "bad_transition"  # that status cannot follow the report's current one
    REASON_REQUIRED = "reason_required"  # closing a report needs a reason
    OWN_REPORT = "own_report"  # "me too" on your own report
    ALREADY_DONE = "already_done"  # a second "me too", a second turn into an opportunity
    WINDOW_CLOSED = "window_closed"  # supporting (or withdrawing) after an idea's window
    ALREADY_SUPPORTED = "already_supported"
    NOT_SUPPORTED = "not_supported"  # withdrawing a support you have not given
    ALREADY_ANSWERED = "already_answered"
