"""Automatic flags for moderators: a small rule set each hub's admins can tune.

Flags never act on their own: they open (or add to) a case in the moderation queue, so a
moderator decides. Read top to bottom:
- `promotion`: promotional content where sharing belongs (members' profiles, opportunities,
  shared assets, reviews, stories): the promotions guard (app/assets/guard.py) or one of the
  hub's own `promotion_words`. Business objects (voucher offers, trials, organisations) are
  allowed to sell and are not read for it.
- `phone`, `email`, `link`: contact details or links in public text (exact contact details
  belong in the private fields that only accepted participants see); each can be switched off.
- `reported_by_several`: `several_reporters` or more members reported the same object.
"""

import re
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from app import validation as v
from app.actor import Actor
from app.assets.guard import promotion_reason
from app.audit import service as audit
from app.errors import DomainError
from app.i18n import _
from app.moderation.errors import ModerationErrorCode as E
from app.moderation.models import FlagRules, Target
from app.people.models import Role

PROMOTION, PHONE, EMAIL, LINK, SEVERAL = (
    "promotion",
    "phone",
    "email",
    "link",
    "reported_by_several",
)
SHARING = {
    Target.MEMBER,
    Target.OPPORTUNITY,
    Target.ASSET,
    Target.REVIEW,
    Target.STORY,
    Target.CAMPAIGN,
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 9+ digits, allowing spaces, dots, dashes and brackets between them, optionally after "+".
_PHONE = re.compile(r"(?<![\w])\+?\(?\d(?:[\s().-]*\d){8,14}(?![\w])")
_LINK = re.compile(
    r"\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?-i:com|co\.uk|org\.uk|org|net|shop|store|io|eu|it|es)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class Rules:
    promotion_words: tuple[str, ...] = ()
    flag_phone: bool = True
    flag_email: bool = True
    flag_links: bool = True
    several_reporters: int = 3

    def as_data(self) -> dict[str, Any]:
        return {
            "promotion_words": list(self.promotion_words),
            "flag_phone": self.flag_phone,
            "flag_email": self.flag_email,
            "flag_links": self.flag_links,
            "several_reporters": self.several_reporters,
        }


DEFAULT = Rules()
MAX_WORDS, MAX_WORD = 200, 60


async def rules_of(hub_id: int) -> Rules:
    found = await FlagRules.get_or_none(hub_id=hub_id)
    if found is None:
        return DEFAULT
    data = found.rules
    return Rules(
        promotion_words=tuple(data.get("promotion_words", ())),
        flag_phone=bool(data.get("flag_phone", True)),
        flag_email=bool(data.get("flag_email", True)),
        flag_links=bool(data.get("flag_links", True)),
        several_reporters=int(data.get("several_reporters", DEFAULT.several_reporters)),
    )


def flags_of(rules: Rules, target: Target, text: str) -> list[str]:
    """The content flags (not `reported_by_several`) that `text` of a `target` trips."""
    found: list[str] = []
    if target in SHARING:
        lowered = text.casefold()
        words = any(_word_in(w, lowered) for w in rules.promotion_words)
        # Links and addresses are flags of their own, not adverts by themselves.
        plain = _LINK.sub(" ", _EMAIL.sub(" ", text))
        if words or promotion_reason(plain, "") is not None:
            found.append(PROMOTION)
    if target != Target.ORGANISATION:
        if rules.flag_email and _EMAIL.search(text):
            found.append(EMAIL)
        if rules.flag_phone and _PHONE.search(text):
            found.append(PHONE)
        if rules.flag_links and _LINK.search(_EMAIL.sub(" ", text)):
            found.append(LINK)
    return found


def _word_in(word: str, lowered: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word.casefold())}(?!\w)", lowered) is not None


async def set_rules(
    *,
    actor: Actor,
    promotion_words: list[str] | None = None,
    flag_phone: bool | None = None,
    flag_email: bool | None = None,
    flag_links: bool | None = None,
    several_reporters: int | None = None,
) -> Rules:
    """A hub admin tunes the hub's flags; what is not given keeps its value."""
    if not actor.has_role(Role.HUB_ADMIN):
        raise DomainError(E.FORBIDDEN, _("Only a hub admin can tune the flags."), None)
    current = await rules_of(actor.hub_id)
    words = current.promotion_words
    if promotion_words is not None:
        if len(promotion_words) > MAX_WORDS:
            raise DomainError(
                E.INVALID, _("At most {MAX_WORDS} words.", MAX_WORDS=MAX_WORDS), "promotionWords"
            )
        cleaned = [
            v.text(w, field="promotionWords", max_length=MAX_WORD, invalid=E.INVALID)
            for w in promotion_words
        ]
        words = tuple(dict.fromkeys(w.casefold() for w in cleaned))
    if several_reporters is not None and not 2 <= several_reporters <= 100:
        raise DomainError(E.INVALID, _("Between 2 and 100 members."), "severalReporters")
    rules = Rules(
        promotion_words=words,
        flag_phone=current.flag_phone if flag_phone is None else flag_phone,
        flag_email=current.flag_email if flag_email is None else flag_email,
        flag_links=current.flag_links if flag_links is None else flag_links,
        several_reporters=current.several_reporters
        if several_reporters is None
        else several_reporters,
    )
    async with in_transaction():
        row, created = await FlagRules.get_or_create(
            hub_id=actor.hub_id, defaults={"rules": rules.as_data()}
        )
        if not created:
            row.rules = rules.as_data()
            await row.save(update_fields=["rules", "updated_at"])
        await audit.record(
            actor=actor,
            hub_id=actor.hub_id,
            action="moderation.flag_rules",
            object_type="moderation_flag_rules",
            object_id=row.id,
            data=rules.as_data(),
        )
    return rules
