"""The promotions guard: listings are for sharing, not adverts (issue 13; Share
Peterborough's lesson: new users "advertise promotions and discounts").

`promotion_reason(title, description)` is asked whenever a listing goes public or its public
text changes (app/assets/service.py); a reason holds the listing for moderator review
(AssetStatus.HELD), shown to its owner side, and moderators approve or reject it
(app/assets/moderation.py). It is a small rule set, read top to bottom; the first rule that
matches gives the reason, quoting the words that tripped it:

1. a link: any URL or web address (shops and marketplaces are reached through them);
2. a price in money: £, €, $ next to an amount, an ISO code before one ("EUR 20"), or
   GBP, EUR, USD, "euros", "quid", "dollars" after one ("20 euros");
3. an amount per period: "10 per month", "5/week", "50 pcm", "50 al mese", "50 al mes";
4. "% off" ("20% off", "30 percent off", "-20%");
5. sales wording: "for sale", "on sale", "clearance sale", "sale price", "sale ends", SALE in
   capitals; "discount", "special offer", "buy now", "order now", "shop now", "free
   delivery", "free shipping", "promo code", "coupon", "limited time offer", "best price",
   "wholesale", "call now" (and their Italian and Spanish counterparts: "sconto", "saldi",
   "offerta speciale", "in offerta", "compra ora", "spedizione gratuita", "descuento",
   "rebajas", "oferta especial", "en oferta", "compra ya", "envío gratis"...).

What sharing says passes: "free to a good home", "lend", "swap", "50 kg", "3D printer",
"room for 20 people", years, percentages that are not discounts ("50% cotton"), "Sale Road",
"pick up in Sale" (a town near Manchester), phone numbers without "call now".

Known limits (a moderator sees each held listing, so a false alarm costs a review, and a
miss is what reports are for):
- "worth £300 new" is held: an amount in money, even as a value, reads like a price.
- "sale" alone in lower case passes ("everything must go, sale" slips through), so that the
  town of Sale and its roads do not trip it; in capitals ("SALE") it is held, so "SALE ROAD"
  is held too.
- "pounds" is not read as money (it is a weight as often), so "20 pounds" passes; nor is
  "euro" before a number ("Euro 2024 stickers", "Euro pallet"), so "euro 20" passes too.
- "limited time" needs "offer", "only" or "deal" after it ("I have limited time" passes).
- A missing space after a full stop before "it", "es"... in lower case ("drawers.it is")
  reads as a web address and is held.
- Bare web addresses need a known ending (.com, .co.uk, .shop, .it, .es...); "myshop dot com"
  passes.
- Other languages than English, Italian and Spanish are not read; nor are adverts written
  without any of these words or amounts.
"""

import re
from dataclasses import dataclass

_AMOUNT = r"\d[\d,.]*(?:\s?[km])?"
_CODES = r"gbp|eur|usd"  # before an amount: "EUR 20" (but "Euro 2024" is not money)
_CURRENCY_WORDS = rf"{_CODES}|euros?|quid|dollars?"  # after one: "20 euros"
# Lower case only: "drawers.It is" (a missing space) is not a web address.
_TLDS = r"(?-i:com|co\.uk|org\.uk|uk|org|net|shop|store|biz|info|io|eu|it|es|de|fr)"


@dataclass(frozen=True)
class GuardRule:
    name: str
    pattern: re.Pattern[str]
    reason: str  # {found}: the words that tripped it


def _rule(name: str, pattern: str, reason: str, *, ignore_case: bool = True) -> GuardRule:
    flags = re.IGNORECASE if ignore_case else 0
    return GuardRule(name, re.compile(pattern, flags), reason)


_SALES_WORDS = (
    # English
    r"discount(?:s|ed)?",
    r"special\s+offers?",
    r"limited[\s-]+time\s+(?:offer|only|deal)s?",
    r"(?:buy|order|shop)\s+(?:it\s+)?(?:now|today)",
    r"free\s+(?:delivery|shipping|postage|p\s?&\s?p)",
    r"(?:promo(?:tion(?:al)?)?|discount|voucher|coupon)\s+codes?",
    r"coupons?",
    r"(?:best|lowest|cheapest|unbeatable)\s+prices?",
    r"wholesale",
    r"(?:call|ring|phone|text|whatsapp)\s+(?:us\s+)?(?:now|today)",
    # "sale" as a word of selling, never the town of Sale ("on Sale Road"): lower case or
    # capitals after its companion word, or first before its own.
    r"(?:for|on)\s+(?-i:sale|SALE)",
    r"(?:clearance|summer|winter|spring|flash|mega|big|huge|closing[\s-]+down)\s+(?-i:sale|SALE)",
    r"(?-i:sale|Sale|SALE)\s+(?:price|prices|ends|now\s+on|starts)",
    # Italian
    r"scont(?:o|i|ato|ati|ata|ate)",
    r"saldi",
    r"offert[ae]\s+(?:speciale|speciali|limitata|limitate)",
    r"in\s+offerta",
    r"(?:compra|acquista|ordina)\s+(?:ora|subito|adesso)",
    r"spedizione\s+(?:gratuita|gratis)",
    r"chiama\s+(?:ora|subito)",
    # Spanish
    r"descuentos?",
    r"rebajas",
    r"rebajad[oa]s?",
    r"ofertas?\s+(?:especial|especiales|limitada|limitadas)",
    r"en\s+oferta",
    r"(?:compra|compre|pide|pida)\s+(?:ya|ahora)",
    r"env[ií]o\s+(?:gratis|gratuito)",
    r"liquidaci[oó]n",
    r"llam[ae]\s+(?:ya|ahora)",
)

RULES: tuple[GuardRule, ...] = (
    _rule(
        "link",
        rf"\bhttps?://\S+|\bwww\.\S+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/\S*)?",
        "It links to a website (“{found}”): share the item here, not a shop or another site.",
    ),
    _rule(
        "money",
        rf"[£€$]\s?{_AMOUNT}|{_AMOUNT}\s?[£€$]|\b(?:{_CODES})\s?{_AMOUNT}"
        rf"|{_AMOUNT}\s?(?:{_CURRENCY_WORDS})\b",
        "It names a price in money (“{found}”): listings are free or priced in credits.",
    ),
    _rule(
        "per_period",
        rf"{_AMOUNT}\s*(?:(?:per|/|a)\s*(?:month|mth|mo|week|wk|year|yr)\b|pcm\b"
        r"|al\s+mes[e]?\b|por\s+mes\b)",
        "It names an amount per period (“{found}”): that reads like a rent or subscription.",
    ),
    _rule(
        "percent_off",
        r"\d+\s*(?:%|per\s?cent|percent|por\s+ciento|per\s+cento)\s*(?:off|di\s+sconto|de\s+descuento)\b"
        r"|(?<![\w-])-\s?\d+\s?%",
        "It offers a reduction (“{found}”): promotions are not for this hub.",
    ),
    _rule(
        "sales_words",
        r"\b(?:" + "|".join(_SALES_WORDS) + r")\b",
        "It reads like an advert (“{found}”): listings are for sharing.",
    ),
    _rule(
        "sale_capitals",
        r"\bSALE\b",
        "It reads like an advert (“{found}”): listings are for sharing.",
        ignore_case=False,
    ),
)


def promotion_reason(title: str, description: str) -> str | None:
    """Why this text reads like an advert (shown to its author), or None."""
    text = f"{title}\n{description}"
    for rule in RULES:
        found = rule.pattern.search(text)
        if found is not None:
            return rule.reason.format(found=" ".join(found.group(0).split())[:80])
    return None
