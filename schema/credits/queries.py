"""Balances, statements and the hub's books."""

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.credits import service
from app.credits.models import Entry as EntryModel
from app.policy import visible
from schema.context import Info
from schema.credits.types import CreditAccount, StatementEntry
from schema.relay import KeysetPage


@strawberry.type(
    name="StatementEntryPage",
    description="A page of statement lines; cursors are keys, so new entries never shift pages.",
)
class StatementPage(KeysetPage[StatementEntry]):
    pass


@strawberry.type(description="The hub's books (hub admins). Books always sum to zero.")
class HubCreditTotals:
    issued: int
    circulating: int = strawberry.field(description="Held by members and organisations.")
    held: int
    spent_at_businesses: int
    books: int = strawberry.field(description="Sum of every account: always 0.")


@strawberry.type
class CreditsQueries:
    @strawberry.field(description="Your credit account.")
    async def my_credits(self, info: Info) -> CreditAccount:
        actor = info.context.require_actor()
        return await service.balance(hub_id=actor.hub_id, member_id=actor.member_id)  # type: ignore[return-value]

    @relay.connection(StatementPage, description="Your statement, newest first.")  # type: ignore[misc]
    async def my_statement(
        self,
        info: Info,
        category: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Iterable[StatementEntry]:
        actor = info.context.require_actor()
        account = await service.balance(hub_id=actor.hub_id, member_id=actor.member_id)
        query = await visible(
            info.context.viewer,
            "StatementEntry",
            EntryModel.filter(hub_id=actor.hub_id, account_id=account.id),
        )
        if category:
            query = query.filter(category=category[:60].lower())
        if since:
            query = query.filter(created_at__gte=since)
        if until:
            query = query.filter(created_at__lt=until)
        return query.order_by("-id")  # type: ignore[return-value]

    @strawberry.field(description="Issued, circulating, held, spent (hub admins).")
    async def hub_credit_totals(self, info: Info) -> HubCreditTotals:
        totals = await service.hub_totals(actor=info.context.require_actor())
        return HubCreditTotals(**totals)
