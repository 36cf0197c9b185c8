"""Shared assets (PRODUCT.md module 5, issue 13): giveaways, loans, bookable spaces and
equipment, WANTED notices, and the waste each completed share diverts.

- `models`: the listings (AssetCategory, Asset, WantedNotice) and their enums.
- `sharing_models`: what happens to a listing (GiveawayRequest, Loan, Booking, OffSiteShare)
  and the private iCalendar feeds (CalendarFeed).
- `impact_models`: per-category impact factors and one impact record per completed share.
- `categories`: the default asset categories and impact factors every hub starts with.
- `service`, `wanted`, `search`: listing, WANTED notices and finding assets.
"""

# Registers the listener that gives every new hub its default categories (and factors).
from app.assets import categories as _categories  # noqa: F401
