"""Awards on domain events (through the outbox, one job per event and subscriber): each event
names the holders whose record it changed and the metrics it can have moved; the rule engine
checks only those. Duplicate or concurrent jobs award nothing twice (app/badges/awards.py)."""

from tortoise import Tortoise

from app.badges.awards import Holders, evaluate
from app.badges.metrics import Metric as M
from app.events import subscribe

HOURS = frozenset({M.VERIFIED_HOURS, M.SERVICES_DELIVERED, M.RELIABILITY, M.ACTIVE_STREAK_MONTHS})
SHARES = frozenset({M.GIVEAWAYS_COMPLETED, M.KG_DIVERTED})


@subscribe("hours.verified")
async def on_hours_verified(
    *, hours_record_id: int, hub_id: int, volunteer_id: int, **_: object
) -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT o.organisation_id FROM hours_record h JOIN opportunity o"
        " ON o.id = h.opportunity_id AND o.hub_id = h.hub_id WHERE h.id = $1",
        [hours_record_id],
    )
    organisations = tuple(int(r["organisation_id"]) for r in rows if r["organisation_id"])
    holders = Holders(HOURS, members=(volunteer_id,), organisations=organisations)
    return await evaluate(hub_id=hub_id, holders=holders, key=f"hours:{hours_record_id}")


@subscribe("review.written")
async def on_review_written(*, review_id: int, hub_id: int, subject_id: int, **_: object) -> int:
    holders = Holders(frozenset({M.REVIEWS_RECEIVED, M.REVIEW_AVERAGE}), members=(subject_id,))
    return await evaluate(hub_id=hub_id, holders=holders, key=f"review:{review_id}")


@subscribe("giveaway.rehomed")
async def on_giveaway_rehomed(*, giveaway_request_id: int, **_: object) -> int:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT hub_id, owner_member_id, receiver_member_id, owner_organisation_id,"
        " receiver_organisation_id FROM impact_record WHERE giveaway_request_id = $1",
        [giveaway_request_id],
    )
    if not rows:
        return 0
    r = rows[0]
    members = tuple(int(r[k]) for k in ("owner_member_id", "receiver_member_id") if r[k])
    organisations = tuple(
        int(r[k]) for k in ("owner_organisation_id", "receiver_organisation_id") if r[k]
    )
    holders = Holders(SHARES, members=members, organisations=organisations)
    return await evaluate(
        hub_id=int(r["hub_id"]), holders=holders, key=f"giveaway:{giveaway_request_id}"
    )


@subscribe("campaign.succeeded")
async def on_campaign_succeeded(*, campaign_id: int, **_: object) -> int:
    """Every backer of the campaign (one statement per badge, whatever their number)."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT hub_id, array_agg(DISTINCT member_id) FILTER (WHERE organisation_id IS NULL)"
        " AS members, array_agg(DISTINCT organisation_id) FILTER"
        " (WHERE organisation_id IS NOT NULL) AS organisations"
        " FROM campaign_pledge WHERE campaign_id = $1 AND status = 'captured' GROUP BY hub_id",
        [campaign_id],
    )
    if not rows:
        return 0
    r = rows[0]
    holders = Holders(
        frozenset({M.CAMPAIGNS_BACKED}),
        members=tuple(r["members"] or ()),
        organisations=tuple(r["organisations"] or ()),
    )
    return await evaluate(hub_id=int(r["hub_id"]), holders=holders, key=f"campaign:{campaign_id}")
