"""gettext for Community Hub: mark a text with `_()`, render it in the reader's language.

Two ways to use a catalogue text, both reading the *current* locale (app.i18n.context):

- `_("No places left on {title}.", title=t)` and `n_(singular, plural, n, ...)` return a `Msg`:
  a `str` whose value is the British English text (so services, logs and tests keep reading
  English), which remembers its msgid and parameters. It is translated when it is *rendered*:
  `localize(text)` (the payload error step in schema/errors.py does this for every
  DomainError message). Use these for DomainError / ErrorBag messages and module constants.
- `gettext(...)` and `ngettext(...)` translate at once: emails, the CV, iCal, notifications'
  texts, anything composed into a bigger text for one reader.

Parameters are `str.format` names (`{title}`), never positional and never f-strings: the
msgid must be the same literal the extractor sees (`communityhub i18n extract`).
"""

from typing import Any

from app.i18n.catalogues import translations
from app.i18n.context import get_locale
from app.i18n.formatting import format_number


class Msg(str):
    """A marked text: its value is the British English rendering; `localize()` translates."""

    msgid: str
    plural: str | None
    n: int | None
    params: dict[str, Any]

    def __new__(
        cls, msgid: str, params: dict[str, Any], plural: str | None = None, n: int | None = None
    ) -> "Msg":
        source = msgid if plural is None or n == 1 else plural
        self = super().__new__(cls, _format(source, params) if params else source)
        self.msgid, self.plural, self.n, self.params = msgid, plural, n, params
        return self

    def format(self, *args: Any, **params: Any) -> str:  # type: ignore[override]
        """A template constant filled in later (`TEXTS["x"].format(days=3)`) stays a Msg."""
        if args:
            return str(self).format(*args, **params)
        return Msg(self.msgid, {**self.params, **params}, self.plural, self.n)

    def __reduce__(self) -> Any:  # pickles (arq job arguments) as the English text
        return (str, (str(self),))


class Named(str):
    """Hub content inside a text (a badge's name): its value is the name as written; `localize`
    gives the hub admins' translation for the locale, if any (app/hubs/translations.py)."""

    translations: dict[str, str]

    def __new__(cls, name: str, translations: dict[str, str] | None = None) -> "Named":
        self = super().__new__(cls, name)
        self.translations = dict(translations or {})
        return self


def _format(text: str, params: dict[str, Any]) -> str:
    if not params:
        return text
    return text.format(
        **{k: localize(v) if isinstance(v, Msg | Named) else v for k, v in params.items()}
    )


def _(msgid: str, /, **params: Any) -> Msg:
    """Marks a text for translation; rendered in the reader's language by `localize()`."""
    return Msg(msgid, params)


def n_(singular: str, plural: str, n: int, /, **params: Any) -> Msg:
    """Marks a text with a plural (`{n}` is available in both forms)."""
    return Msg(singular, {"n": n, **params}, plural, n)


def _translate(msgid: str, plural: str | None, n: int | None, locale: str) -> str:
    loaded = translations(locale)
    if plural is None:
        if loaded is not None:
            return loaded.singular.get(msgid, msgid)
        return msgid
    count = n if n is not None else 0
    if loaded is not None and msgid in loaded.plural:
        forms = loaded.plural[msgid]
        index = loaded.plural_index(count)
        return forms[min(index, len(forms) - 1)]
    return msgid if count == 1 else plural


def localize(text: str, locale: str | None = None) -> str:
    """A text for the reader: a `Msg` translated into `locale` (default: the current one);
    any other string (a member's own words, an unmarked text) unchanged."""
    if isinstance(text, Named):
        return text.translations.get(locale or get_locale()) or str(text)
    if not isinstance(text, Msg):
        return text
    found = _translate(text.msgid, text.plural, text.n, locale or get_locale())
    return _format(found, text.params)


def gettext(msgid: str, /, **params: Any) -> str:
    """The text in the reader's language now."""
    return _format(_translate(msgid, None, None, get_locale()), params)


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The plural text for n in the reader's language now (`{n}` as a number of that
    language: 1,500 / 1.500)."""
    found = _translate(singular, plural, n, get_locale())
    return _format(found, {"n": format_number(n), **params})


class TextTable(dict[str, str]):
    """Marked templates by key whose lookup gives the template in the current locale, ready for
    `.format(...)`: `TEXTS["loan_due"].format(asset=title)` reads in the reader's language."""

    def __getitem__(self, key: str) -> str:
        return localize(super().__getitem__(key))
