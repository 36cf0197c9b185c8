"""Languages: gettext catalogues (app/locale), the reader's locale, formatting with Babel.

Mark every text a member can read: `_()`/`n_()` (rendered later by `localize()`) or
`gettext()`/`ngettext()` (now). After adding or changing one, run
`uv run communityhub i18n update` and translate the new entries in app/locale/*/messages.po.
"""

from app.i18n.context import get_locale, set_locale, use_locale
from app.i18n.formatting import (
    format_date,
    format_datetime,
    format_distance,
    format_list,
    format_number,
    format_time,
    format_when,
    weekday_name,
)
from app.i18n.locales import SOURCE, SUPPORTED, resolve, supported
from app.i18n.readers import reader_locale
from app.i18n.translate import Msg, TextTable, _, gettext, localize, n_, ngettext

__all__ = [
    "SOURCE",
    "SUPPORTED",
    "Msg",
    "TextTable",
    "_",
    "format_date",
    "format_datetime",
    "format_distance",
    "format_list",
    "format_number",
    "format_time",
    "format_when",
    "get_locale",
    "gettext",
    "localize",
    "n_",
    "ngettext",
    "reader_locale",
    "resolve",
    "set_locale",
    "supported",
    "use_locale",
    "weekday_name",
]
