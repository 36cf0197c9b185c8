"""reverseTransfer: hub admins correct a posted transfer with an opposite one."""

import strawberry

from app.credits import service
from app.credits.errors import CreditsErrorCode as E
from schema.context import Info
from schema.credits.types import CreditsError, Transfer
from schema.errors import errors_as_data
from schema.relay import decode_id


@strawberry.input
class ReverseTransferInput:
    transfer_id: strawberry.ID
    reason: str
    idempotency_key: str


@strawberry.type
class ReverseTransferPayload:
    transfer: Transfer | None = strawberry.field(default=None, description="The reversal.")
    errors: list[CreditsError] = strawberry.field(default_factory=list)


@errors_as_data(CreditsError, E, ReverseTransferPayload)
async def reverse_transfer(input: ReverseTransferInput, info: Info) -> ReverseTransferPayload:
    """Entries are append-only: a correction is a new, opposite transfer."""
    reversal = await service.reverse_transfer(
        actor=info.context.require_actor(),
        transfer_id=decode_id(input.transfer_id, "Transfer", field="transferId", invalid=E.INVALID),
        reason=input.reason,
        idempotency_key=input.idempotency_key,
    )
    return ReverseTransferPayload(transfer=reversal)  # type: ignore[arg-type]
