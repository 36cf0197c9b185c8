"""API clients get their own identity for client-credentials tokens (issue 20)."""

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

from app.people.models import MemberStatus


class Migration(BaseMigration):
    dependencies = [("models", "0033_api_client_cost_spent")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Member",
            name="status",
            field=fields.CharEnumField(
                description="ACTIVE: active\nSUSPENDED: suspended\nSERVICE: service",
                enum_type=MemberStatus,
                default=MemberStatus.ACTIVE,
                max_length=16,
            ),
        ),
        ops.AddField(
            model_name="ApiClient",
            name="service_member",
            field=fields.ForeignKeyField(
                "models.Member",
                source_field="service_member_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name=False,
                on_delete=OnDelete.SET_NULL,
            ),
        ),
        # Clients registered before: their identity, as app/oauth/service_identity.create makes it.
        ops.RunSQL(
            """
DO $$
DECLARE c record; made bigint;
BEGIN
  FOR c IN SELECT id, hub_id, organisation_id, name FROM api_client
            WHERE service_member_id IS NULL ORDER BY id LOOP
    INSERT INTO member (hub_id, display_name, bio, interests, travel_km, availability,
                        notification_prefs, is_proxy, status, created_at, updated_at)
    VALUES (c.hub_id, left(c.name, 74) || ' (app)', '', '[]', 5, '[]', '{}', false,
            'service', now(), now())
    RETURNING id INTO made;
    IF c.organisation_id IS NOT NULL THEN
      INSERT INTO organisation_member (hub_id, organisation_id, member_id, role, created_at)
      VALUES (c.hub_id, c.organisation_id, made, 'staff', now());
    END IF;
    UPDATE api_client SET service_member_id = made WHERE id = c.id;
  END LOOP;
END $$;
"""
        ),
    ]
