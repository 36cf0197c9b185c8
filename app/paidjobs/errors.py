from enum import StrEnum


class PaidJobErrorCode(StrEnum):
    INVALID = "invalid"
    PAY_RANGE_UPSIDE_DOWN = "pay_range_upside_down"  # the lowest pay above the highest
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    JOB_CLOSED = "job_closed"  # past its closing date, closed or expired
    ALREADY_APPLIED = "already_applied"
    OWN_JOB = "own_job"  # the employer's own people do not apply
    INVALID_TRANSITION = "invalid_transition"
