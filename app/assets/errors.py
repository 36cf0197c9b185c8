from enum import StrEnum


class AssetErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_EDITABLE = "not_editable"
    INVALID_TRANSITION = "invalid_transition"
    HAS_COMMITMENTS = "has_commitments"  # an agreed handover, loan or booking still runs
