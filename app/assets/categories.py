"""The asset categories and impact factors every hub starts with.

Every new hub gets DEFAULTS (a `post_save` listener on Hub, registered when this module is
imported, i.e. with app.assets.models: in the same transaction as the hub); migration 0013
added them to the hubs that existed before. Hub admins then rename categories and edit the
factors (ImpactFactor), for their own mix of items and their currency.

Where the numbers come from (`source` of each factor; the README's "Impact factors" says what
was checked and how):
- WRAP (2011), "Benefits of Reuse case study: domestic furniture" (WRAP, Banbury; the WRAP
  "Benefits of Reuse" tool): providing one tonne of sofas for direct reuse saves a net
  1.45 t CO2e (about 55 kg a sofa); about 1,000,000 sofas (ca 37,000 t, so ~37 kg each) are
  reused in the UK a year, saving households over £320m (~£320 a sofa). Verified.
- UK Government GHG Conversion Factors for Company Reporting (DESNZ, formerly BEIS/DEFRA),
  table "Material use", column "Primary material production" (kg CO2e per tonne = g CO2e per
  kg): the emissions of making the material new, counted as avoided when a reused item
  replaces a new one. The rows used: Electrical items - IT 24,865.48; - small 5,647.95;
  - large 3,267.00; Clothing 22,310.00; Paper and board: paper 919.40; Plastics: average
  plastics 3,116.29; Metal: scrap metal 3,682.68. These are the values of one edition as
  reproduced, identically, by several independent carbon-accounting tools; the spreadsheet
  itself could not be opened from here, so the edition year is unconfirmed and each source
  says "(check edition)". Editions differ (another reproduction has IT at 30,640): compare
  with the current year's table before publishing totals (it changes every June).
- Tools and bikes have no row of their own: "Metal: scrap metal" stands in (marked proxy); the
  earlier 2,855 ("Metal - steel") matched no row found, so it was replaced. Hubs made before
  keep their row until a hub admin edits it (updateImpactFactor).
- Item weights (used when a listing gives none) other than the sofa's are our estimates of a
  typical item; no published source. Money values other than the sofa's are 0: the hub sets
  its own (`value_minor_per_item`, `value_minor_per_hour` for rooms).
- `loan_share_pct` (the share of a new item one loan counts) is an assumption, 10%: no
  published source sets it.
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
DESNZ = "DESNZ/DEFRA GHG conversion factors, Material use, primary material production"


def _desnz(row: str, *, proxy: bool = False) -> str:
    return f"{DESNZ}: {row}{', as a proxy' if proxy else ''} (check edition)"


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
    Default("it-equipment", "IT equipment", 5_000, 24_865, 0, _desnz("Electrical items - IT")),
    Default(
        "small-electricals",
        "Small electricals",
        2_000,
        5_648,
        0,
        _desnz("Electrical items - small"),
    ),
    Default(
        "large-appliances", "Large appliances", 50_000, 3_267, 0, _desnz("Electrical items - large")
    ),
    Default("textiles", "Clothing and textiles", 500, 22_310, 0, _desnz("Clothing")),
    Default("books", "Books and paper", 400, 919, 0, _desnz("Paper and board: paper")),
    Default(
        "toys-and-sports",
        "Toys, games and sports",
        1_000,
        3_116,
        0,
        _desnz("Plastics: average plastics"),
    ),
    Default(
        "household",
        "Kitchen and household",
        1_000,
        3_116,
        0,
        _desnz("Plastics: average plastics", proxy=True),
    ),
    Default("tools", "Tools and DIY", 3_000, 3_683, 0, _desnz("Metal: scrap metal", proxy=True)),
    Default(
        "bikes", "Bikes and mobility", 15_000, 3_683, 0, _desnz("Metal: scrap metal", proxy=True)
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
