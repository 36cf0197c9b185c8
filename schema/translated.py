"""Taxonomy names in the reader's language: a `name(locale:)` field for the hub's categories,
skills, badges and asset categories (app/hubs/translations.py)."""

from typing import Any

import strawberry

from app.hubs.translations import name_in
from app.i18n import supported


def _name(root: Any, locale: str | None = None) -> str:
    return name_in(root, supported(locale))


def translated_name() -> Any:
    """The field: the name in the reader's language (or `locale`), else as the hub wrote it."""
    return strawberry.field(
        resolver=_name,
        description="In your language where the hub admins translated it (or in `locale`:"
        " en-GB, it, es), else as written.",
    )
