from enum import StrEnum


class CreditsErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    INSUFFICIENT_CREDITS = "insufficient_credits"
    SAME_ACCOUNT = "same_account"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    NOT_PENDING = "not_pending"
    SOLD_OUT = "sold_out"
    OFFER_NOT_ACTIVE = "offer_not_active"
    LIMIT_REACHED = "limit_reached"
    VOUCHER_USED = "voucher_used"
    VOUCHER_EXPIRED = "voucher_expired"
