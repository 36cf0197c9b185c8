"""A hub is one city or community: the tenant every other row belongs to."""

from tortoise import fields

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

    class Meta:
        table = "hub"
