"""The promotions guard's seam: listings are for sharing, not adverts (issue 13; Share
Peterborough's lesson). `promotion_reason` is asked whenever a listing goes public or its
public text changes; a reason holds the listing for moderator review (AssetStatus.HELD) with
the reason shown to its owner side. The rule set itself comes with the guard's flow; until
then every listing passes.
"""


def promotion_reason(title: str, description: str) -> str | None:
    """Why this text reads like an advert (shown to its author), or None."""
    return None
