"""Where an erased member is named in records that are not theirs: the name becomes the
pseudonym and the email address goes, whatever the case it was written in.

Delivery logs (emails and webhook deliveries already sent or failed) mentioning them are
deleted; what is still to be sent (emails about them to others, pending webhook deliveries) is
rewritten, so that it goes out naming a former member. Titles of stories and campaign updates
and others' notifications keep their shape with the pseudonym in place of the name. Emails in
the development mail folder (var/mail, the file backend) that mention them are deleted.
"""

import json
import re
from collections.abc import Iterable
from email import message_from_bytes, policy
from typing import Any

import anyio
from tortoise.backends.base.client import BaseDBAsyncClient

from app.config import get_settings

PSEUDONYM = "Former member"
# Shorter names are too common to take out of other people's texts safely.
MIN_NAME_TO_SCRUB = 3

JSON_COLUMNS = frozenset({"data", "payload"})
# table, its text and json columns to rewrite, whether it has hub_id, which rows (SQL).
_REWRITE: tuple[tuple[str, tuple[str, ...], bool, str], ...] = (
    ("notification", ("title", "data"), True, "true"),
    ("success_story", ("title", "body"), True, "true"),
    ("campaign_update", ("title", "body"), True, "true"),
    ("webhook_delivery", ("payload",), True, "status = 'pending'"),
    ("outbox_job", ("payload",), False, "status = 'pending'"),
)


class Mentions:
    """The erased member's name and email, and how to take them out of a value."""

    def __init__(self, *, email: str | None, name: str) -> None:
        named = len(name) >= MIN_NAME_TO_SCRUB and name != PSEUDONYM
        self.email = email
        self.values = [v for v in (email, name if named else None) if v]
        self._email = re.compile(re.escape(email), re.I) if email else None
        self._name = re.compile(re.escape(name), re.I) if named else None

    def patterns(self) -> list[str]:
        """ILIKE patterns finding a value in a column's text (json text escapes included)."""
        return [_like(_json_text(v)) for v in self.values] + [_like(v) for v in self.values]

    def scrub(self, value: Any) -> Any:
        """`value` (text, or json of lists and dicts) with the name and email replaced."""
        if isinstance(value, str):
            if self._email is not None:
                value = self._email.sub("", value)
            if self._name is not None:
                value = self._name.sub(PSEUDONYM, value)
            return value
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        return value


async def forget(conn: BaseDBAsyncClient, *, hub_id: int, mentions: Mentions) -> None:
    """In the erasing transaction: delivery logs naming them go, the rest is rewritten."""
    if not mentions.values:
        return
    patterns = mentions.patterns()
    await conn.execute_query(
        "DELETE FROM outbox_job WHERE status IN ('done', 'failed')"
        " AND payload::text ILIKE ANY($1::text[])",
        [patterns],
    )
    if mentions.email:  # mail not yet sent to them is not sent
        await conn.execute_query(
            "DELETE FROM outbox_job WHERE status = 'pending' AND payload::text ILIKE $1",
            [_like(mentions.email)],
        )
    await conn.execute_query(
        "DELETE FROM webhook_delivery WHERE hub_id = $1 AND status <> 'pending'"
        " AND payload::text ILIKE ANY($2::text[])",
        [hub_id, patterns],
    )
    for table, columns, has_hub, which in _REWRITE:
        await _rewrite(
            conn,
            table,
            columns,
            f"{which} AND hub_id = {int(hub_id)}" if has_hub else which,
            patterns,
            mentions,
        )


async def _rewrite(
    conn: BaseDBAsyncClient,
    table: str,
    columns: Iterable[str],
    which: str,
    patterns: list[str],
    mentions: Mentions,
) -> None:
    cols = list(columns)
    found = " OR ".join(f'"{c}"::text ILIKE ANY($1::text[])' for c in cols)
    rows = await conn.execute_query_dict(
        f'SELECT id, {", ".join(cols)} FROM "{table}" WHERE ({which}) AND ({found}) FOR UPDATE',
        [patterns],
    )
    for row in rows:
        values = [_scrubbed(mentions, c, row[c]) for c in cols]
        sets = ", ".join(
            f'"{c}" = ${i + 2}' + ("::jsonb" if c in JSON_COLUMNS else "")
            for i, c in enumerate(cols)
        )
        await conn.execute_query(f'UPDATE "{table}" SET {sets} WHERE id = $1', [row["id"], *values])


async def forget_mail_files(mentions: Mentions) -> int:
    """Deletes the .eml files of the file backend that mention them; how many."""
    folder = anyio.Path(get_settings().mail_dir)
    if not mentions.values or not await folder.exists():
        return 0
    deleted = 0
    async for path in folder.glob("*.eml"):
        message = message_from_bytes(await path.read_bytes(), policy=policy.default)
        text = " ".join(str(v) for v in message.values())
        for part in message.walk():
            if part.get_content_maintype() == "text":
                text += " " + str(part.get_content())
        if any(v.lower() in text.lower() for v in mentions.values):
            await path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def _scrubbed(mentions: Mentions, column: str, value: Any) -> Any:
    if column not in JSON_COLUMNS:
        return mentions.scrub(value)
    data = json.loads(value) if isinstance(value, str) else value
    return json.dumps(mentions.scrub(data))


def _json_text(value: str) -> str:
    """`value` as it appears inside a json column's text."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
