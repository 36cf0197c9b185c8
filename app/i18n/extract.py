"""Catalogue upkeep: extract the marked texts, update the .po files, check them.

`communityhub i18n extract` writes app/locale/messages.pot from the code;
`communityhub i18n update` merges it into every language's messages.po (new entries empty,
changed ones fuzzy); `communityhub i18n check` lists what is missing, empty or fuzzy.
tests/i18n/test_catalogues.py runs the same check in-process.
"""

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from app.i18n.catalogues import DOMAIN, LOCALE_DIR, po_path, read_catalogue
from app.i18n.locales import SOURCE, SUPPORTED

ROOT = LOCALE_DIR.parent.parent
SOURCE_DIRS = ("app", "schema", "workers")
KEYWORDS = {"_": (1,), "gettext": (1,), "n_": (1, 2), "ngettext": (1, 2)}
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = tuple(locale for locale in SUPPORTED if locale != SOURCE)


def extract() -> Catalog:
    """Every marked text in the code, with where it is used."""
    catalogue = Catalog(
        project="Community Hub",
        domain=DOMAIN,
        charset="utf-8",
        fuzzy=False,
        msgid_bugs_address="",
        copyright_holder="Community Hub",
    )
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        ):
            if not message or (isinstance(message, tuple) and not all(message)):
                continue
            catalogue.add(
                message,
                None,
                [(f"{directory}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
                flags=("python-brace-format",) if "{" in str(message) else (),
            )
    return catalogue


def write_pot(catalogue: Catalog | None = None, path: Path = POT_PATH) -> Path:
    catalogue = catalogue or extract()
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=100, omit_header=False, sort_output=True)
    return path


def update() -> dict[str, int]:
    """Merges the extracted texts into each language's .po; returns each one's open entries."""
    template = extract()
    write_pot(template)
    result = {}
    for locale in TRANSLATED:
        path = po_path(locale)
        if path.exists():
            catalogue = read_catalogue(locale)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = Catalog(locale=locale, domain=DOMAIN, project="Community Hub")
        catalogue.update(template, update_header_comment=False)
        catalogue.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=100, sort_output=True, include_previous=True)
        result[locale] = len(check_catalogue(locale, template).problems)
    return result


@dataclass
class Report:
    locale: str
    missing: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    bad_placeholders: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return (
            [f"missing: {m!r}" for m in self.missing]
            + [f"empty: {m!r}" for m in self.empty]
            + [f"fuzzy: {m!r}" for m in self.fuzzy]
            + [f"placeholders differ: {m!r}" for m in self.bad_placeholders]
        )


def _placeholders(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_catalogue(
    locale: str, template: Catalog | None = None, catalogue: Catalog | None = None
) -> Report:
    """What the language's .po (or `catalogue`) lacks for the code as it is now."""
    template = template or extract()
    report = Report(locale)
    catalogue = catalogue if catalogue is not None else read_catalogue(locale)
    for message in template:
        if not message.id:
            continue
        ids: tuple[str, ...] = (
            tuple(message.id) if isinstance(message.id, tuple) else (str(message.id),)
        )
        key = ids[0]
        found = catalogue.get(message.id, message.context)
        if found is None:
            report.missing.append(key)
            continue
        raw = found.string
        strings = tuple(str(s) for s in raw) if isinstance(raw, tuple | list) else (str(raw or ""),)
        if not strings or not all(strings):
            report.empty.append(key)
        elif found.fuzzy:
            report.fuzzy.append(key)
        else:
            wanted = set().union(*(_placeholders(i) for i in ids))
            if any(not _placeholders(s) <= wanted for s in strings):
                report.bad_placeholders.append(key)
    return report


def check() -> list[Report]:
    template = extract()
    return [check_catalogue(locale, template) for locale in TRANSLATED]


HOW_TO_FIX = (
    "Run `uv run communityhub i18n update`, then translate the new or changed entries "
    "(empty msgstr, or marked `#, fuzzy`: remove the flag once the translation is right) in "
    "app/locale/it/LC_MESSAGES/messages.po and app/locale/es/LC_MESSAGES/messages.po."
)
