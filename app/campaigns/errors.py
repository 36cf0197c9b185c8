from enum import StrEnum


class CampaignErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_OPEN = "not_open"  # a draft, cancelled or ended campaign takes no pledge
    PAUSED = "paused"  # hidden by the moderators (or its owner is suspended): no new pledges
    DEADLINE_PASSED = "deadline_passed"
    BEYOND_MAXIMUM = "beyond_maximum"
    OWN_CAMPAIGN = "own_campaign"  # pledging from the campaign's own recipient account
    ALREADY_PLEDGED = "already_pledged"  # change the pledge you have instead
    INSUFFICIENT_CREDITS = "insufficient_credits"
    POT_TOO_LARGE = "pot_too_large"  # a match pot above the funder's available credits
    INVALID_TRANSITION = "invalid_transition"
    NOT_EDITABLE = "not_editable"  # a field of an open campaign: only its story changes then
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    ALREADY_FULFILLED = "already_fulfilled"
