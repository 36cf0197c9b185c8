"""A hub is one city or community: the tenant every other row belongs to."""

from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

from app.models_base import Base


class Hub(Base):
    name = fields.CharField(max_length=120)
    slug = fields.CharField(max_length=60, unique=True)
    locale = fields.CharField(max_length=20, default="en-GB")
    timezone = fields.CharField(max_length=64, default="Europe/London")
    credit_name = fields.CharField(max_length=40, default="credit")
    # Credits per verified hour, in the hub's smallest unit (60 when a credit is a minute).
    credits_per_hour = fields.IntField(default=60)
    # How far below zero a member's available credits may go (time banks often allow some).
    member_overdraft_limit = fields.BigIntField(default=0)
    # Most opportunity notifications a member gets a day (urgent requests may exceed it).
    daily_notification_cap = fields.IntField(default=3)
    # Only the hub's registered documents (TrustedDocument) run for it: its apps send them by
    # hash, and any other document is refused (schema/documents.py).
    trusted_documents_only = fields.BooleanField(default=False)
    # The privacy threshold k of every aggregate (city data, trials' ratings): no number comes
    # from a group of fewer distinct people (app/privacy.py).
    privacy_k = fields.IntField(default=10)
    # Ratings queries (app/ratings): areas are H3 cells of this resolution (5, 6 or 7).
    ratings_cell_resolution = fields.SmallIntField(default=6)
    # The licence of the hub's open data feeds (app/opendata/licences.py): an SPDX-style id.
    open_data_licence = fields.CharField(max_length=20, default="OGL-UK-3.0")

    class Meta:
        table = "hub"


class TrustedDocument(Base):
    """A GraphQL document the hub's own apps send, registered from their persisted-query
    manifest (`communityhub register-documents`); keyed by the SHA-256 of its text."""

    hub: fields.ForeignKeyRelation[Hub] = fields.ForeignKeyField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    sha256 = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200, null=True)  # the operation's name, for people
    body = fields.TextField()

    class Meta:
        table = "trusted_document"
        constraints = (
            UniqueConstraint(fields=("hub_id", "sha256"), name="trusted_document_hub_sha_uniq"),
        )
