from enum import StrEnum


class OpportunityErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_EDITABLE = "not_editable"
    INVALID_TRANSITION = "invalid_transition"
    PLACES_BELOW_ACCEPTED = "places_below_accepted"
    NOT_OPEN = "not_open"
    OWN_OPPORTUNITY = "own_opportunity"
    ALREADY_APPLIED = "already_applied"
    MISSING_CHECKS = "missing_checks"
    AGE_REQUIREMENT = "age_requirement"
    NO_PLACES_LEFT = "no_places_left"
