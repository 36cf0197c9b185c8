from enum import StrEnum


class AssetErrorCode(StrEnum):
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    NOT_EDITABLE = "not_editable"
    INVALID_TRANSITION = "invalid_transition"
    HAS_COMMITMENTS = "has_commitments"  # an agreed handover, loan or booking still runs
    # Giveaways, off-site shares and moderation (app/assets/giveaways.py, offsite.py,
    # moderation.py).
    NOT_AVAILABLE = "not_available"  # not listed (or not a giveaway): nothing to ask for
    OWN_ASSET = "own_asset"  # asking for your own item, recording a share to yourself
    ALREADY_REQUESTED = "already_requested"  # one request per member per item
    NOT_ELIGIBLE = "not_eligible"  # the asset's audience leaves the member out
    NOTHING_LEFT = "nothing_left"  # fewer units left than asked or chosen
    ALREADY_CONFIRMED = "already_confirmed"  # this side confirmed it already
    # Bookings and loans (app/assets/bookings.py, loans.py; the slot rules: app/assets/rules.py).
    SLOT_TAKEN = "slot_taken"  # an overlapping booking (or agreed loan) holds that time
    IN_PAST = "in_past"  # it would start before now
    TOO_SOON = "too_soon"  # inside the asset's notice period
    TOO_SHORT = "too_short"  # shorter than the asset's minimum length
    TOO_LONG = "too_long"  # longer than the asset's maximum length
    OUTSIDE_OPENING_HOURS = "outside_opening_hours"  # not inside one opening window of its day
    INSUFFICIENT_CREDITS = "insufficient_credits"  # the price or deposit cannot be held
