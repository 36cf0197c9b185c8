"""Group-buy orders: the supplier's list, and handing one over against its code."""

import hmac
from datetime import UTC, datetime

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app.actor import Actor
from app.audit import service as audit
from app.campaigns.errors import CampaignErrorCode as E
from app.campaigns.models import GroupBuyOrder, OrderStatus
from app.errors import AccessDenied, DomainError
from app.i18n import _
from app.organisations.models import OrganisationMember


async def _is_supplier(actor: Actor, organisation_id: int) -> bool:
    return await OrganisationMember.exists(
        hub_id=actor.hub_id, organisation_id=organisation_id, member_id=actor.member_id
    )


async def supplier_orders(*, actor: Actor, organisation_id: int) -> QuerySet[GroupBuyOrder]:
    """The organisation's orders to hand over (its people only), oldest first."""
    if not await _is_supplier(actor, organisation_id):
        raise AccessDenied(_("Only the supplier's people see its orders."))
    return GroupBuyOrder.filter(hub_id=actor.hub_id, supplier_id=organisation_id).order_by("id")


async def mark_fulfilled(*, actor: Actor, order_id: int, code: str) -> GroupBuyOrder:
    """The supplier hands the order over: the buyer's code must match; once."""
    async with in_transaction():
        order = await GroupBuyOrder.select_for_update().get_or_none(
            id=order_id, hub_id=actor.hub_id
        )
        if order is None:
            raise DomainError(E.NOT_FOUND, _("No such order."), "orderId")
        if not await _is_supplier(actor, order.supplier_id):
            raise DomainError(E.FORBIDDEN, _("Only the supplier's people hand orders over."), None)
        if not hmac.compare_digest(order.code, code.strip().upper()):
            raise DomainError(E.INVALID, _("This is not the order's code."), "code")
        if order.status == OrderStatus.FULFILLED:
            raise DomainError(
                E.ALREADY_FULFILLED, _("The order was handed over already."), "orderId"
            )
        order.status, order.fulfilled_at = OrderStatus.FULFILLED, datetime.now(UTC)
        order.fulfilled_by_id = actor.member_id
        await order.save(update_fields=["status", "fulfilled_at", "fulfilled_by_id"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="group_buy_order.fulfil",
            object_type="GroupBuyOrder",
            object_id=order.id,
        )
    return order
