from enum import StrEnum


class TrialErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID_TRANSITION = "invalid_transition"
    NOT_RECRUITING = "not_recruiting"  # a draft, testing or closed trial takes no application
    NOT_ELIGIBLE = "not_eligible"  # `field` names the rule: distance, age, interests, checks
    OWN_TRIAL = "own_trial"  # the business's own people do not test its product
    ALREADY_APPLIED = "already_applied"
    NO_PLACES = "no_places"
    NOT_A_TESTER = "not_a_tester"  # only selected testers report
    ALREADY_REPORTED = "already_reported"  # one report per tester: edit it instead
    WINDOW_CLOSED = "window_closed"  # reports are frozen once the window closes
    BUSINESS_CANNOT_FUND = "business_cannot_fund"  # the reward's credits are not there
    NOT_BUSINESS = "not_business"  # trials are posted by business organisations
    VOUCHER_OFFER_NOT_YOURS = "voucher_offer_not_yours"  # the reward offer is another's
    VOUCHER_OFFER_UNAVAILABLE = "voucher_offer_unavailable"  # ended (expired) or paused
    VOUCHER_OFFER_EXHAUSTED = "voucher_offer_exhausted"  # no voucher left in its stock
