"""The daily reconciliation of the clearing balances of links with other installations."""

import logging
import uuid
from typing import Any

from app.federation.models import (
    HubLink,
    LinkStatus,
)
from app.federation.protocol import Unreachable, send
from app.federation.receiving import balance

log = logging.getLogger(__name__)


async def reconcile() -> list[dict[str, Any]]:
    """The daily job: each link with another installation compares the two clearing balances
    (this side's, converted, plus the partner's is zero when they agree). A difference with
    nothing in flight on either side is reported: a metric, a log line and an audit row."""
    from app.audit import service as audit
    from app.metrics import FEDERATION_DIFFERENCE

    reports = []
    for link in await HubLink.filter(partner_hub_id=None, status=LinkStatus.ACTIVE):
        if not link.data.get("partner_key"):
            continue
        mine = await balance(link)
        try:
            theirs = await send(
                link, {"type": "balance", "message_id": f"balance:{uuid.uuid4()}",
                       "pair": str(link.pair), "payment_id": str(uuid.uuid4())},
            )  # fmt: skip
        except Unreachable as exc:
            log.warning("federation: reconcile %s: %s", link.pair, exc)
            continue
        # mine (our credits) is worth mine * n / d of theirs; the two must cancel.
        difference = (
            mine["balance"] * link.rate_numerator + int(theirs["balance"]) * link.rate_denominator
        )
        in_flight = mine["in_flight"] + int(theirs.get("in_flight", 0))
        report = {
            "link_id": link.id,
            "pair": str(link.pair),
            "balance": mine["balance"],
            "partner_balance": int(theirs["balance"]),
            "difference": difference,
            "in_flight": in_flight,
        }
        FEDERATION_DIFFERENCE.labels(str(link.pair)).set(0 if in_flight else difference)
        if difference and not in_flight:
            log.error("federation: clearing balances differ: %s", report)
        await audit.record(
            actor=None,
            hub_id=link.hub_id,
            action="federation.reconcile"
            if not difference or in_flight
            else "federation.reconcile_difference",
            object_type="HubLink",
            object_id=link.id,
            data=report,
        )
        reports.append(report)
    return reports
