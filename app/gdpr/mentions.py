"""Where an erased member is named in records that are not theirs: the name becomes the
pseudonym and the email address goes, whatever the case it was written in.

The name is matched as whole words, in any case ("Ann" is not in "Annual"). Webhook deliveries
already sent or failed that mention them are deleted (a delivery log); pending ones are rewritten,
so that they go out naming a former member. Emails not yet sent to them are deleted; other emails
mentioning them are rewritten, kept for their exactly-once keys: those with their address, and
those naming them sent to a member of their hub (the outbox has no hub: a namesake's mail in
another hub is left alone). Titles of stories and campaign updates
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
# The hub's tables naming them, their text and json columns, which rows (SQL).
_REWRITE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("notification", ("title", "data"), "true"),
    ("success_story", ("title", "body"), "true"),
    ("campaign_update", ("title", "body"), "true"),
    ("webhook_delivery", ("payload",), "status = 'pending'"),
)
# Outbox jobs have no hub: those mentioning them are rewritten only when the email is theirs or
# goes to a member of their hub (another hub's "Sam Jones" is someone else).
_OUTBOX = (
    "SELECT id, status, payload, ($3::text IS NOT NULL AND payload::text ILIKE $3) AS theirs"
    " FROM outbox_job o WHERE payload::text ~* ANY($1::text[])"
    " AND (($3::text IS NOT NULL AND payload::text ILIKE $3) OR EXISTS (SELECT 1 FROM member m"
    "  WHERE m.hub_id = $2 AND m.email IS NOT NULL AND lower(m.email) = lower(o.payload->>'to')))"
    " FOR UPDATE"
)


def _whole(value: str) -> str:
    """A regular expression (Python's and PostgreSQL's) finding `value` as a whole word or
    words: "Ann" is not in "Annual"."""
    return rf"(?<!\w){re.escape(value)}(?!\w)"


class Mentions:
    """The erased member's name and email, and how to take them out of a value."""

    def __init__(self, *, email: str | None, name: str) -> None:
        named = len(name) >= MIN_NAME_TO_SCRUB and name != PSEUDONYM
        self.email = email
        self.values = [v for v in (email, name if named else None) if v]
        self._email = re.compile(re.escape(email), re.I) if email else None
        self._name = re.compile(_whole(name), re.I) if named else None
        self._name_forms = {name, _json_text(name)} if named else set()

    def patterns(self) -> list[str]:
        """Regular expressions finding a value in a column's text (json escapes included)."""
        found = [_whole(v) for v in sorted(self._name_forms)]
        return found + ([re.escape(self.email)] if self.email else [])

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
    """In the erasing transaction: sent webhook deliveries naming them go, mail still to be
    sent to them goes, the rest is rewritten."""
    if not mentions.values:
        return
    patterns = mentions.patterns()
    await conn.execute_query(
        "DELETE FROM webhook_delivery WHERE hub_id = $1 AND status <> 'pending'"
        " AND payload::text ~* ANY($2::text[])",
        [hub_id, patterns],
    )
    await _outbox(conn, hub_id, patterns, mentions)
    for table, columns, which in _REWRITE:
        rows = await conn.execute_query_dict(
            f'SELECT id, {", ".join(columns)} FROM "{table}" WHERE hub_id = $2 AND {which}'
            f" AND ({' OR '.join(f'{c}::text ~* ANY($1::text[])' for c in columns)}) FOR UPDATE",
            [patterns, hub_id],
        )
        for row in rows:
            await _update(conn, table, row, columns, mentions)


async def _outbox(
    conn: BaseDBAsyncClient, hub_id: int, patterns: list[str], mentions: Mentions
) -> None:
    email = _like(mentions.email) if mentions.email else None
    for row in await conn.execute_query_dict(_OUTBOX, [patterns, hub_id, email]):
        if row["theirs"] and row["status"] == "pending":  # mail not yet sent to them: not sent
            await conn.execute_query("DELETE FROM outbox_job WHERE id = $1", [row["id"]])
        else:  # the row stays (its key keeps the job exactly-once), without them
            await _update(conn, "outbox_job", row, ("payload",), mentions)


async def _update(
    conn: BaseDBAsyncClient,
    table: str,
    row: dict[str, Any],
    columns: Iterable[str],
    mentions: Mentions,
) -> None:
    cols = list(columns)
    values = [_scrubbed(mentions, c, row[c]) for c in cols]
    sets = ", ".join(
        f'"{c}" = ${i + 2}' + ("::jsonb" if c in JSON_COLUMNS else "") for i, c in enumerate(cols)
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
