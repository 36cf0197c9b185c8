"""Texts kept as data in notification rows (also built by SQL) render in the reader's language."""

from types import SimpleNamespace

from app.campaigns import notify
from app.campaigns.models import CampaignStatus
from app.i18n import use_locale
from app.i18n.stored import pack, render, unpack


def test_a_campaign_outcome_kept_as_data_reads_in_each_language() -> None:
    campaign = SimpleNamespace(title="Orto di quartiere", status=CampaignStatus.SUCCEEDED)
    _, heading, reason = notify._outcome(campaign)  # type: ignore[arg-type]
    # As _TELL_OUTCOME stores them: the title packed, the reason's credits filled in by SQL.
    texts = {
        "title": pack(heading),
        "reason": {"msgid": reason.msgid, "params": {"credits": 120}},
    }
    with use_locale("it"):
        assert render(texts["title"]) == "“Orto di quartiere” ha avuto successo"
        assert render(texts["reason"]).startswith("Il tuo impegno è stato incassato: 120 crediti")
    with use_locale("es"):
        assert render(texts["reason"]).startswith("Se ha cobrado tu compromiso: 120 créditos")
    assert render(texts["reason"]).startswith("Your pledge was taken: 120 credits")


def test_hub_content_inside_a_text_uses_the_admins_translation_or_the_name() -> None:
    stored = {
        "msgid": "You earned the badge “{badge}”",
        "params": {"badge": {"name": "First hours", "in": {"it": "Prime ore"}}},
    }
    assert str(unpack(stored)) == "You earned the badge “First hours”"
    with use_locale("it"):
        assert render(stored) == "Hai ottenuto il badge “Prime ore”"
    with use_locale("es"):
        assert render(stored) == "Has conseguido la insignia “First hours”"
