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
    BAD_KEY = "bad_key"  # no device has this key (forged, or the device was retired)
    IMPOSSIBLE_VALUE = "impossible_value"  # a reading no sensor can make (PM2.5 of -3)
    FUTURE_TIME = "future_time"  # a reading from the future (beyond a minute of clock skew)
    TOO_OLD = "too_old"
    RATE_LIMITED = "rate_limited"  # too many problem reports in the last hour
