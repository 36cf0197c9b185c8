"""The gettext catalogues under app/locale/<lang>/LC_MESSAGES/messages.po, read with Babel.

They are read from the .po files themselves (no compiled .mo to go stale), once per process,
on first use. Fuzzy and empty entries are not used: the source text shows instead.
"""

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from app.i18n.locales import SOURCE, SUPPORTED

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(locale: str) -> Catalog:
    with po_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale.replace("-", "_"), domain=DOMAIN)


class Translations:
    """One language's translations: msgid -> text, and (singular, plural) -> plural forms."""

    def __init__(self, catalogue: Catalog) -> None:
        self.locale = catalogue.locale
        self.plural_expr = catalogue.plural_expr
        self.singular: dict[str, str] = {}
        self.plural: dict[str, tuple[str, ...]] = {}
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            if isinstance(message.id, tuple):
                forms = tuple(message.string or ())
                if forms and all(forms):
                    self.plural[str(message.id[0])] = tuple(str(f) for f in forms)
            elif message.string:
                self.singular[str(message.id)] = str(message.string)

    def plural_index(self, n: int) -> int:
        """The index of the plural form for n, by the catalogue's Plural-Forms expression."""
        return int(_plural_function(self.plural_expr)(abs(n)))


@cache
def _plural_function(expr: str) -> Callable[[int], int]:
    return gettext.c2py(expr)  # type: ignore[attr-defined, no-any-return]


@cache
def translations(locale: str) -> Translations | None:
    """The loaded translations of a supported locale; None for the source language."""
    if locale == SOURCE or locale not in SUPPORTED:
        return None
    catalogue = read_catalogue(locale)
    return Translations(catalogue)


def preload() -> None:
    """Reads every catalogue now (at startup), so a broken .po fails the start, not a request."""
    for locale in SUPPORTED:
        translations(locale)
