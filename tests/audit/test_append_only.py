"""The audit log is append-only for the application's database role (migration 0034)."""

from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.exceptions import OperationalError

from app.audit import service as audit
from app.audit.models import AuditEvent

REFUSED = "audit_event is append-only"


async def test_the_apps_connection_can_neither_update_nor_delete_an_audit_row(hub: Any) -> None:
    # given: a row written as the app writes them
    event = await audit.record(actor=None, hub_id=hub.id, action="test.append_only")
    conn = Tortoise.get_connection("default")
    # when / then: changed or removed in SQL through the app's own connection
    for sql in (
        "UPDATE audit_event SET action = 'test.rewritten' WHERE id = $1",
        "DELETE FROM audit_event WHERE id = $1",
    ):
        with pytest.raises(OperationalError, match=REFUSED):
            await conn.execute_query(sql, [event.id])
    with pytest.raises(OperationalError, match=REFUSED):
        await conn.execute_script("TRUNCATE audit_event")
    # when / then: the same through the ORM
    with pytest.raises(OperationalError, match=REFUSED):
        await AuditEvent.filter(id=event.id).update(action="test.rewritten")
    with pytest.raises(OperationalError, match=REFUSED):
        await AuditEvent.filter(id=event.id).delete()
    # then: the row is as written
    kept = await AuditEvent.get(id=event.id)
    assert (kept.action, kept.hub_id) == ("test.append_only", hub.id)


async def test_no_role_but_the_owner_holds_update_delete_or_truncate() -> None:
    # when: the table's privileges are read
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT a.grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a"
        " WHERE c.oid = 'audit_event'::regclass AND a.grantee <> c.relowner"
        " AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')"
    )
    # then: none (PUBLIC is grantee 0, included)
    assert rows == []
