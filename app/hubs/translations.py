"""Hub content in other languages: hub admins translate the names of the hub's taxonomy
(categories, skills, badges, asset categories); readers get their language, else the name.

Kept on each row (`name_translations`, JSON), so reading a translated name costs nothing more
than the row already read.
"""

from enum import StrEnum
from typing import Any

from tortoise.models import Model
from tortoise.transactions import in_transaction

from app import i18n
from app import validation as v
from app.actor import Actor
from app.assets.models import AssetCategory
from app.audit import service as audit
from app.badges.models import BadgeClass
from app.errors import DomainError
from app.hubs.errors import HubErrorCode as E
from app.i18n import _
from app.opportunities.models import Category
from app.people.models import Role, Skill


class NameKind(StrEnum):
    CATEGORY = "category"
    SKILL = "skill"
    BADGE = "badge"
    ASSET_CATEGORY = "asset_category"


MODELS: dict[NameKind, type[Model]] = {
    NameKind.CATEGORY: Category,
    NameKind.SKILL: Skill,
    NameKind.BADGE: BadgeClass,
    NameKind.ASSET_CATEGORY: AssetCategory,
}
MAX_NAME = 80


def name_in(row: Any, locale: str | None = None) -> str:
    """The row's name in `locale` (default: the reader's), or its own name."""
    translated = (getattr(row, "name_translations", None) or {}).get(locale or i18n.get_locale())
    return str(translated) if translated else str(row.name)


def _locale(value: str) -> str:
    found = i18n.supported(value) if len(value) <= 35 else None
    if found is None or found == i18n.SOURCE:
        raise DomainError(
            E.UNSUPPORTED_LOCALE,
            _(
                "Translate into one of {choices}: the names themselves are in {source}.",
                choices=", ".join(loc for loc in i18n.SUPPORTED if loc != i18n.SOURCE),
                source=i18n.SOURCE,
            ),
            "locale",
        )
    return found


async def set_name_translation(
    *, actor: Actor, kind: NameKind, object_id: int, locale: str, name: str | None
) -> Model:
    """Sets (or, with None, removes) the name of a taxonomy entry in a language (hub admins)."""
    actor.require_role(Role.HUB_ADMIN)
    locale = _locale(locale)
    if name is not None:
        name = v.text(name, field="name", max_length=MAX_NAME, invalid=E.INVALID)
    model = MODELS[kind]
    async with in_transaction():
        row = await model.filter(id=object_id, hub_id=actor.hub_id).select_for_update().first()
        if row is None:
            raise DomainError(E.NOT_FOUND, _("No such entry in this hub."), "id")
        names = dict(row.name_translations or {})  # type: ignore[attr-defined]
        if name is None:
            names.pop(locale, None)
        else:
            names[locale] = name
        row.name_translations = names or None  # type: ignore[attr-defined]
        await row.save(update_fields=["name_translations"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="taxonomy.translate",
            object_type=model.__name__,
            object_id=row.pk,
            data={"locale": locale, "removed": name is None},
        )
    return row
