"""requestDataExport and eraseAccount: a member's rights over their data."""

import strawberry

from app.gdpr import erasure, export
from app.gdpr.errors import DataRightsErrorCode as E
from schema.context import Info
from schema.errors import errors_as_data
from schema.gdpr.types import DataExport, DataRightsError


@strawberry.type
class RequestDataExportPayload:
    export: DataExport | None = None
    errors: list[DataRightsError] = strawberry.field(default_factory=list)


@strawberry.input
class EraseAccountInput:
    confirm: str = strawberry.field(description='Type "ERASE": this cannot be undone.')


@strawberry.type
class EraseAccountPayload:
    erased: bool = False
    errors: list[DataRightsError] = strawberry.field(default_factory=list)


@errors_as_data(DataRightsError, E, RequestDataExportPayload)
async def request_data_export(info: Info) -> RequestDataExportPayload:
    """All your data as JSON and a page to read, built in the background; the link (valid 7
    days) is emailed to you, or to the coordinator acting for a proxy member."""
    found = await export.request_export(actor=info.context.require_actor())
    return RequestDataExportPayload(export=found)  # type: ignore[arg-type]


@errors_as_data(DataRightsError, E, EraseAccountPayload)
async def erase_account(input: EraseAccountInput, info: Info) -> EraseAccountPayload:
    """Erases your account: your personal data is removed or pseudonymised everywhere, your
    credit history stays (under "Former member"). A coordinator acting for a proxy member can
    do it for them. Refused while credits are held (OPEN_HOLDS): finish or cancel first."""
    await erasure.erase_account(actor=info.context.require_actor(), confirm=input.confirm)
    return EraseAccountPayload(erased=True)


@strawberry.type
class DataRightsMutations:
    request_data_export = strawberry.mutation(resolver=request_data_export)
    erase_account = strawberry.mutation(resolver=erase_account)
