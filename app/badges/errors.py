from enum import StrEnum


class BadgeErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    UNKNOWN_METRIC = "unknown_metric"  # a rule over a metric the engine does not know
    NEGATIVE_THRESHOLD = "negative_threshold"
    NOT_FOR_HOLDER = "not_for_holder"  # a metric organisations (or members) do not have
    DUPLICATE_NAME = "duplicate_name"
    ALREADY_AWARDED = "already_awarded"
    NOT_AWARDED = "not_awarded"  # revoking a badge the holder never received
    ALREADY_REVOKED = "already_revoked"
    NOT_YOUR_WORK = "not_your_work"  # a success story about someone else's work
    ALREADY_MODERATED = "already_moderated"
    NOT_COMPLETED = "not_completed"  # a story about work not completed (yet)
