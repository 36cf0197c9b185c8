"""A hub's civic settings: its area (when it has no wards) and the ideas' rules."""

from typing import TYPE_CHECKING

from tortoise import fields

from app.models_base import Base

if TYPE_CHECKING:
    from app.hubs.models import Hub


class CivicSettings(Base):
    """The hub's area for civic reports is its wards (app/citydata/wards.py) when it has any,
    else this circle; and how ideas reach the council."""

    hub: fields.OneToOneRelation["Hub"] = fields.OneToOneField(
        "models.Hub", related_name=False, on_delete=fields.CASCADE
    )
    hub_id: int
    centre_lat = fields.FloatField(null=True)
    centre_lng = fields.FloatField(null=True)
    radius_km = fields.FloatField(null=True)
    # Ideas (app/civic/ideas): supporters needed within the window for a council answer.
    idea_threshold = fields.IntField(default=100)
    idea_window_days = fields.IntField(default=30)
    answer_days = fields.IntField(default=21)  # the council's deadline once the threshold is met

    class Meta:
        table = "civic_settings"
