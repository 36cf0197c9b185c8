from enum import StrEnum


class PortfolioErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_ACCEPTED = "not_accepted"
    FUTURE_DATE = "future_date"
    OWN_HOURS = "own_hours"
    ALREADY_DECIDED = "already_decided"
    NOT_DELIVERED = "not_delivered"
    ALREADY_REVIEWED = "already_reviewed"
    EDIT_WINDOW_CLOSED = "edit_window_closed"
