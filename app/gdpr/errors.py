"""Error codes of members' data rights (export, erasure)."""

from enum import StrEnum


class DataRightsErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    # Credits are held for a booking, loan, pledge or payment: settle or cancel them first.
    OPEN_HOLDS = "open_holds"
    # The hub would be left without a hub admin.
    LAST_ADMIN = "last_admin"
    ALREADY_ERASED = "already_erased"
