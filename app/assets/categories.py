"""The asset categories and impact factors every hub starts with.

Every new hub gets DEFAULTS (a `post_save` listener on Hub, registered when this module is
imported, i.e. with app.assets.models: in the same transaction as the hub); migration 0013
added them to the hubs that existed before. Hub admins then rename categories and edit the
factors (ImpactFactor), for their own mix of items and their currency.

Where the numbers come from (`source` of each factor):
- WRAP (2011), "Benefits of Reuse case study: domestic furniture" (WRAP, Banbury): direct reuse
  of one tonne of sofas saves a net 1.45 t CO2e; about 1,000,000 sofas (37,000 t, so ~37 kg
  each) are reused in the UK a year, saving households over £320m (~£320 a sofa).
- DESNZ / DEFRA, "UK Government GHG Conversion Factors for Company Reporting", table
  "Material use", primary production (kg CO2e per tonne = g CO2e per kg): the emissions of
  making the material new, counted as avoided when a reused item replaces a new one. The
  figures below are rounded from recent editions and marked `check`: compare them with the
  current year's table before publishing totals (the tables change a little every June).
- Item weights (used when a listing gives no weight) other than the sofa's are our estimates
  of a typical item; no published source. Money values other than the sofa's are 0: the hub
  sets its own (`value_minor_per_item`, `value_minor_per_hour` for rooms).
- `loan_share_pct` (the share of a new item one loan counts) is an assumption, 10%.
"""

from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.signals import post_save

from app.assets.impact_models import ImpactFactor
from app.assets.models import AssetCategory
from app.hubs.models import Hub

WRAP_FURNITURE = (
    "WRAP (2011) Benefits of Reuse case study: domestic furniture (sofas, direct reuse)"
)
DESNZ = "DESNZ/DEFRA GHG conversion factors, Material use"


@dataclass(frozen=True)
class Default:
    slug: str
    name: str
    item_weight_g: int
    co2e_g_per_kg: int
    value_minor_per_item: int
    source: str


DEFAULTS: tuple[Default, ...] = (
    Default("furniture", "Furniture", 37_000, 1_450, 32_000, WRAP_FURNITURE),
    Default(
        "it-equipment", "IT equipment", 5_000, 24_865, 0, f"{DESNZ}: Electrical items - IT (check)"
    ),
    Default(
        "small-electricals",
        "Small electricals",
        2_000,
        5_648,
        0,
        f"{DESNZ}: Electrical items - small (check)",
    ),
    Default(
        "large-appliances",
        "Large appliances",
        50_000,
        3_267,
        0,
        f"{DESNZ}: Electrical items - large (check)",
    ),
    Default("textiles", "Clothing and textiles", 500, 22_310, 0, f"{DESNZ}: Clothing (check)"),
    Default("books", "Books and paper", 400, 919, 0, f"{DESNZ}: Paper and board - paper (check)"),
    Default(
        "toys-and-sports",
        "Toys, games and sports",
        1_000,
        3_116,
        0,
        f"{DESNZ}: Plastics - average plastics (check)",
    ),
    Default(
        "household",
        "Kitchen and household",
        1_000,
        3_116,
        0,
        f"{DESNZ}: Plastics - average plastics, as a proxy (check)",
    ),
    Default(
        "tools", "Tools and DIY", 3_000, 2_855, 0, f"{DESNZ}: Metal - steel, as a proxy (check)"
    ),
    Default(
        "bikes",
        "Bikes and mobility",
        15_000,
        2_855,
        0,
        f"{DESNZ}: Metal - steel, as a proxy (check)",
    ),
    Default("spaces", "Rooms and venues", 0, 0, 0, "A room diverts no waste: set an hour's value"),
    Default("other", "Something else", 0, 0, 0, "No default: set by the hub"),
)


async def create_defaults(hub_id: int, using_db: BaseDBAsyncClient | None = None) -> int:
    """Adds the default categories (with their factors) the hub does not have yet, by slug;
    returns how many it added. Three statements, whatever the number of defaults."""
    categories = AssetCategory.filter(hub_id=hub_id).using_db(using_db)  # type: ignore[arg-type]
    existing = set(await categories.values_list("slug", flat=True))
    missing = {d.slug: d for d in DEFAULTS if d.slug not in existing}
    if not missing:
        return 0
    await AssetCategory.bulk_create(
        [AssetCategory(hub_id=hub_id, slug=d.slug, name=d.name) for d in missing.values()],
        using_db=using_db,
    )
    added = await categories.filter(slug__in=list(missing)).values_list("id", "slug")
    await ImpactFactor.bulk_create(
        [
            ImpactFactor(
                hub_id=hub_id,
                category_id=category_id,
                item_weight_g=missing[slug].item_weight_g,
                co2e_g_per_kg=missing[slug].co2e_g_per_kg,
                value_minor_per_item=missing[slug].value_minor_per_item,
                source=missing[slug].source,
            )
            for category_id, slug in added
        ],
        using_db=using_db,
    )
    return len(missing)


@post_save(Hub)
async def _hub_saved(
    sender: type[Hub], instance: Hub, created: bool, using_db: Any, update_fields: Any
) -> None:
    if created:
        await create_defaults(instance.id, using_db)
