"""Texts kept in rows (a notification's title and reason) and rendered when read.

`pack(text)` turns a `Msg` into JSON (msgid, parameters, plural) that `unpack(data)` turns back
into a `Msg`: the API renders it in the language of whoever reads it, later. A plain string
(someone's own words) is kept as it is; hub content with its translations (`Named`) is
{"name": ..., "in": {locale: name}}, which SQL can build too (app/badges/notify.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.i18n.context import current_locale
from app.i18n.locales import supported
from app.i18n.translate import Msg, Named, localize


def pack(text: str) -> Any:
    if isinstance(text, Named):
        return {"name": str(text), "in": text.translations}
    if not isinstance(text, Msg):
        return str(text)
    params = {k: pack(v) if isinstance(v, Msg | Named) else v for k, v in text.params.items()}
    packed: dict[str, Any] = {"msgid": text.msgid, "params": params}
    if text.plural is not None:
        packed |= {"plural": text.plural, "n": text.n}
    return packed


def unpack(value: Any) -> str:
    if isinstance(value, dict) and "name" in value:  # hub content: {"name", "in": {locale: name}}
        return Named(str(value["name"]), value.get("in") or {})
    if not isinstance(value, dict) or "msgid" not in value:
        return str(value) if value is not None else ""
    params = {k: unpack(v) if isinstance(v, dict) else v for k, v in value["params"].items()}
    return Msg(str(value["msgid"]), params, value.get("plural"), value.get("n"))


def render(value: Any) -> str:
    """A stored text in the current locale."""
    return localize(unpack(value))


@contextmanager
def reading(locale: str | None) -> Iterator[None]:
    """An API field's `locale` argument: a supported one overrides the request's reader for the
    field; None or an unsupported one leaves it."""
    chosen = supported(locale)
    if chosen is None:
        yield
        return
    token = current_locale.set(chosen)
    try:
        yield
    finally:
        current_locale.reset(token)
