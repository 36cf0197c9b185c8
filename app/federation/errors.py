from enum import StrEnum


class FederationErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    ALREADY_LINKED = "already_linked"  # a link with that hub exists (or is proposed)
    NOT_PENDING = "not_pending"  # accepting or declining a link that is not waiting
    NO_LINK = "no_link"  # paying a hub this hub has no link with
    LINK_NOT_ACTIVE = "link_not_active"  # proposed, paused or declined
    OVER_LINK_LIMIT = "over_link_limit"  # the net position would pass the partner's limit
    CATEGORY_NOT_ALLOWED = "category_not_allowed"
    NOT_CONVERTIBLE = "not_convertible"  # the amount is no whole number of the partner's
    INSUFFICIENT_CREDITS = "insufficient_credits"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    # Linked accounts (one person's accounts in two hubs)
    SAME_HUB = "same_hub"  # the other account is in the asker's own hub
    EMAIL_MISMATCH = "email_mismatch"  # no account of that hub has this email
    EMAIL_NOT_VERIFIED = "email_not_verified"  # either account's email is not proven
    INVALID_TOKEN = "invalid_token"
    EXPIRED_TOKEN = "expired_token"
    TOKEN_USED = "token_used"  # the link was confirmed with it already
    # Guests (a member volunteering at a partner hub)
    SUSPENDED = "suspended"  # the member (or their guest account there) may not act
    NOT_A_GUEST = "not_a_guest"  # entering a partner hub before applying to any opportunity
    # The partner hub's applications service refused the guest's application (its codes)
    NOT_OPEN = "not_open"
    ALREADY_APPLIED = "already_applied"
    MISSING_CHECKS = "missing_checks"
    AGE_REQUIREMENT = "age_requirement"
    OWN_OPPORTUNITY = "own_opportunity"
    # The partner installation did not answer (a link across installations): nothing kept
    PARTNER_UNREACHABLE = "partner_unreachable"
    # The partner installation's URL resolves to a private address (CH_FEDERATION_ALLOWED_HOSTS)
    UNSAFE_URL = "unsafe_url"
