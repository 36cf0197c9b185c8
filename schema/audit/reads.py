"""Moderators and hub admins reading members' private fields leave audit rows: one per
member and field in a request, written in one statement per batch (a DataLoader)."""

from collections.abc import Awaitable, Callable

from strawberry.dataloader import DataLoader

from app.audit import service as audit
from schema.context import Context


async def note_private_read(ctx: Context, field: str, member_id: int) -> None:
    """Records that the caller read `field` of `member_id`, unless it is their own. The
    policy table says which reads are recorded (TypePolicy.audited); schema/policy.py calls this."""
    actor = ctx.actor
    if actor is None or actor.member_id == member_id:
        return
    await _reads(ctx, field).load(member_id)


def _reads(ctx: Context, field: str) -> DataLoader[int, None]:
    actor = ctx.actor

    def factory(hub_id: int | None) -> Callable[[list[int]], Awaitable[list[None]]]:
        async def load(ids: list[int]) -> list[None]:
            if actor is not None:
                await audit.record_private_reads(actor=actor, field=field, member_ids=ids)
            return [None for _ in ids]

        return load

    return ctx.loaders.get(f"audit.private_read:{field}", factory)
