"""setNameTranslation: hub admins translate a name of the hub's taxonomy (a category, skill,
badge or asset category) into Italian or Spanish, or remove a translation."""

import strawberry
from strawberry import relay

from app.hubs import translations
from app.hubs.errors import HubErrorCode
from schema.context import Info
from schema.errors import errors_as_data
from schema.hubs.types import HubError
from schema.relay import decode_id

NameKind = strawberry.enum(translations.NameKind, name="TranslatedNameKind")
TYPE_NAMES = {
    translations.NameKind.CATEGORY: "Category",
    translations.NameKind.SKILL: "Skill",
    translations.NameKind.BADGE: "BadgeClass",
    translations.NameKind.ASSET_CATEGORY: "AssetCategory",
}


@strawberry.input
class SetNameTranslationInput:
    kind: NameKind  # type: ignore[valid-type]
    id: relay.GlobalID = strawberry.field(
        description="The Category, Skill, BadgeClass or AssetCategory."
    )
    locale: str = strawberry.field(description="it or es (the names themselves are en-GB).")
    name: str | None = strawberry.field(
        default=None, description="At most 80 characters; null removes the translation."
    )


@strawberry.type(description="A name in one language.")
class LocalizedName:
    locale: str
    name: str


@strawberry.type
class SetNameTranslationPayload:
    names: list[LocalizedName] | None = strawberry.field(
        default=None, description="Every translation of the name now, by language."
    )
    errors: list[HubError] = strawberry.field(default_factory=list)


@errors_as_data(HubError, HubErrorCode, SetNameTranslationPayload)
async def set_name_translation(
    input: SetNameTranslationInput, info: Info
) -> SetNameTranslationPayload:
    """Sets or removes the name of a taxonomy entry in a language (hub admins)."""
    kind = translations.NameKind(input.kind)
    object_id = decode_id(input.id, TYPE_NAMES[kind], field="id", invalid=HubErrorCode.INVALID)
    row = await translations.set_name_translation(
        actor=info.context.require_actor(),
        kind=kind,
        object_id=object_id,
        locale=input.locale,
        name=input.name,
    )
    names = row.name_translations or {}  # type: ignore[attr-defined]
    return SetNameTranslationPayload(
        names=[LocalizedName(locale=k, name=v) for k, v in sorted(names.items())]
    )
