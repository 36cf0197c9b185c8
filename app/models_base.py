"""Building blocks shared by every model: bigint keys and timestamps."""

from tortoise import fields
from tortoise.models import Model


class Base(Model):
    id = fields.BigIntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
