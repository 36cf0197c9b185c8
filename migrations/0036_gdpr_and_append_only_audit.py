"""Members' data rights (issue 21): data exports, erased members; the audit log made
append-only, with the indexes its hub-admin filters use.

Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE of audit_event for every role,
the table's owner included (the app usually connects as the owner, and an owner or a superuser
is not bound by privileges); and UPDATE, DELETE and TRUNCATE are revoked from every role that
is not the owner (PUBLIC included), so an app that connects with a role of its own cannot even
try. An audit row holds ids and field names, never personal values (app/audit/service.py), so
erasing a member never needs to change one. A member row is never deleted (erasure
pseudonymises it), so the actor_id foreign key's ON DELETE SET NULL never fires.
"""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

from app.gdpr.models import ExportStatus

APPEND_ONLY_SQL = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege', TABLE = 'audit_event';
END
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;
DO $$
DECLARE
    grantee regrole;
BEGIN
    FOR grantee IN
        SELECT DISTINCT a.grantee::regrole
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = 'audit_event'::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
          AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM %s', grantee);
    END LOOP;
END
$$;
"""
REVERSE_APPEND_ONLY_SQL = """
DROP TRIGGER audit_event_no_truncate ON audit_event;
DROP TRIGGER audit_event_append_only ON audit_event;
DROP FUNCTION audit_event_append_only();
"""
# The hub admins' filters (app/audit/queries.py): by actor (or the coordinator acting for
# them), by the member or object acted on, by action; newest first within each.
INDEXES_SQL = """
CREATE INDEX audit_event_actor ON audit_event (hub_id, actor_id, created_at);
CREATE INDEX audit_event_acted_by ON audit_event (hub_id, acted_by_id, created_at)
    WHERE acted_by_id IS NOT NULL;
CREATE INDEX audit_event_subject ON audit_event (hub_id, subject_id, created_at)
    WHERE subject_id IS NOT NULL;
CREATE INDEX audit_event_object ON audit_event (hub_id, object_type, object_id, created_at);
CREATE INDEX audit_event_action ON audit_event (hub_id, action, created_at);
"""
REVERSE_INDEXES_SQL = """
DROP INDEX audit_event_action;
DROP INDEX audit_event_object;
DROP INDEX audit_event_subject;
DROP INDEX audit_event_acted_by;
DROP INDEX audit_event_actor;
"""


class Migration(BaseMigration):
    dependencies = [('models', '0035_member_skill_reach')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DataExport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.ForeignKeyField('models.Member', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=ExportStatus.PENDING, description='PENDING: pending\nREADY: ready', enum_type=ExportStatus, max_length=10)),
                ('token_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('content', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('html', fields.TextField(null=True, unique=False)),
                ('ready_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'data_export', 'app': 'models', 'indexes': [Index(fields=['hub_id', 'member_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.AddField(
            model_name='Member',
            name='erased_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='AuditEvent',
            name='subject_id',
            field=fields.BigIntField(null=True),
        ),
        # Before the trigger: the last UPDATE the table ever takes.
        ops.RunSQL(
            sql="UPDATE audit_event SET subject_id = object_id WHERE object_type = 'Member'",
            reverse_sql="SELECT 1",
        ),
        ops.RunSQL(sql=APPEND_ONLY_SQL, reverse_sql=REVERSE_APPEND_ONLY_SQL),
        ops.RunSQL(sql=INDEXES_SQL, reverse_sql=REVERSE_INDEXES_SQL),
    ]
