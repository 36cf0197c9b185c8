"""The catalogues hold every marked text of the code, translated (not empty, not fuzzy), with
the same placeholders; the check that says so catches each kind of gap."""

import copy

from babel.messages.catalog import Catalog

from app.i18n.catalogues import read_catalogue, translations
from app.i18n.extract import HOW_TO_FIX, TRANSLATED, check, check_catalogue, extract


def test_every_marked_text_is_translated_in_every_catalogue() -> None:
    # when: the texts are extracted from the code now, in-process
    reports = check()
    # then
    problems = [f"{r.locale}: {p}" for r in reports for p in r.problems]
    assert problems == [], "\n".join([*problems, HOW_TO_FIX])
    assert {r.locale for r in reports} == set(TRANSLATED) == {"it", "es"}


def test_the_check_finds_a_missing_an_empty_a_fuzzy_and_a_wrong_placeholder() -> None:
    # given: the code's texts, and an Italian catalogue with four kinds of gap
    template = extract()
    italian = read_catalogue("it")
    broken = copy.deepcopy(italian)
    ids = ["Only {quantity} left.", "No such asset.", "Reset your password", "Hello {name},"]
    del broken[ids[0]]
    broken[ids[1]].string = ""
    broken[ids[2]].flags.add("fuzzy")
    broken[ids[3]].string = "Ciao {nome},"
    # when
    report = check_catalogue("it", template, broken)
    # then
    assert (report.missing, report.empty, report.fuzzy, report.bad_placeholders) == (
        [ids[0]],
        [ids[1]],
        [ids[2]],
        [ids[3]],
    )
    assert check_catalogue("it", template, italian).problems == []


def test_a_new_text_in_the_code_is_reported_until_translated() -> None:
    template = extract()
    template.add("A text somebody just added to the code.")
    report = check_catalogue("es", template)
    assert report.missing == ["A text somebody just added to the code."]


def test_fuzzy_and_empty_entries_are_not_used_at_run_time() -> None:
    catalogue = Catalog(locale="it")
    catalogue.add("Sign in first.", "Prima accedi.")
    catalogue.add("No such asset.", "")
    catalogue.add("Reset your password", "Reimposta", flags=["fuzzy"])
    from app.i18n.catalogues import Translations

    loaded = Translations(catalogue)
    assert loaded.singular == {"Sign in first.": "Prima accedi."}
    assert translations("it") is not None
