"""Plurals (0, 1, 2, 5 and a million in each language), dates, times, numbers and distances."""

from datetime import UTC, date, datetime

import pytest

from app.i18n import (
    format_date,
    format_distance,
    format_number,
    format_time,
    format_when,
    n_,
    ngettext,
    use_locale,
)
from app.i18n import localize as render
from app.i18n.locales import from_accept_language, resolve

PLURALS = {
    "en-GB": ["0 minutes", "1 minute", "2 minutes", "5 minutes", "1,000,000 minutes"],
    "it": ["0 minuti", "1 minuto", "2 minuti", "5 minuti", "1.000.000 di minuti"],
    "es": ["0 minutos", "1 minuto", "2 minutos", "5 minutos", "1.000.000 de minutos"],
}


@pytest.mark.parametrize("locale", sorted(PLURALS))
def test_plurals_follow_each_languages_rules(locale: str) -> None:
    with use_locale(locale):
        got = [ngettext("{n} minute", "{n} minutes", n) for n in (0, 1, 2, 5, 1_000_000)]
    assert got == PLURALS[locale]


def test_a_marked_plural_is_english_until_rendered_in_the_readers_language() -> None:
    digest = n_("{n} opportunity for you", "{n} opportunities for you", 5)
    assert digest == "5 opportunities for you"
    assert render(digest, "it") == "5 opportunità per te"
    assert render(digest, "es") == "5 oportunidades para ti"
    one = n_("{n} opportunity for you", "{n} opportunities for you", 1)
    assert (render(one, "it"), render(one, "es")) == (
        "1 opportunità per te",
        "1 oportunidad para ti",
    )


MOMENT = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "day", "when", "number", "distance"),
    [
        ("en-GB", "2 December 2026", "Wednesday, 2 December 2026, 15:30", "1,234.5", "3.1 km"),
        ("it", "2 dicembre 2026", "mercoledì 2 dicembre 2026, 15:30", "1.234,5", "3,1 km"),
        (
            "es",
            "2 de diciembre de 2026",
            "miércoles, 2 de diciembre de 2026, 15:30",
            "1.234,5",
            "3,1 km",
        ),
    ],
)
def test_dates_times_numbers_and_distances(
    locale: str, day: str, when: str, number: str, distance: str
) -> None:
    with use_locale(locale):
        assert format_date(date(2026, 12, 2)) == day
        # Stored in UTC, shown in the hub's time zone (Rome is UTC+1 in December).
        assert format_when(MOMENT, timezone="Europe/Rome") == when
        assert format_time(MOMENT, timezone="Europe/Rome") == "15:30"
        assert format_number(1234.5) == number
        assert format_distance(3.14) == distance


def test_the_readers_language_member_then_hub_then_accept_language() -> None:
    assert resolve(member="es", hub="it", accept_language="en") == "es"
    assert resolve(member=None, hub="it-IT", accept_language="es") == "it"
    assert resolve(member="tlh", hub=None, accept_language="fr;q=1, es-MX;q=0.8, it;q=0.5") == "es"
    assert resolve() == "en-GB"
    assert from_accept_language("*, en-US;q=0.1") == "en-GB"
    assert from_accept_language("it;q=0") is None
