from enum import StrEnum


class ModerationErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    OWN_CONTENT = "own_content"  # reporting yourself or what you posted
    ALREADY_REPORTED = "already_reported"  # an open report of yours on the same object
    RATE_LIMITED = "rate_limited"
    ALREADY_RESOLVED = "already_resolved"
    PROTECTED_MEMBER = "protected_member"  # a moderator acting against a hub admin
    NOT_SUSPENDED = "not_suspended"
    ALREADY_SUSPENDED = "already_suspended"
    ALREADY_APPEALED = "already_appealed"  # one appeal per action
    NOT_APPEALABLE = "not_appealable"
    ALREADY_DECIDED = "already_decided"
