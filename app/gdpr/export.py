"""A member's copy of all their data: asked for in the API, built by a job, fetched by link.

`request_export` records the request (and enqueues the job in the same transaction); the job
`gdpr.build_export` gathers every row of the hub that points at the member (every model with a
foreign key to Member, the member row itself and their ledger entries), minus secrets (hashes,
tokens, salts), as JSON and as a readable HTML page, stores both on the export and emails a
link valid `export_link_ttl_seconds` (7 days). The job is idempotent and survives being killed:
it builds and stores in one transaction (a killed run leaves nothing, the outbox runs it
again), a ready export is left alone, and the email is queued in that same transaction under a
key, so it goes once.
"""

import hashlib
import html
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from tortoise import Tortoise
from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.models import Model
from tortoise.transactions import in_transaction

from app import jobs
from app.actor import Actor
from app.audit import service as audit
from app.config import get_settings
from app.credits.models import Account, Entry
from app.gdpr.models import DataExport, ExportStatus
from app.hubs.models import Hub
from app.i18n import format_when, gettext, use_locale
from app.jobs.registry import job
from app.mail.service import queue_email, recipient_locale
from app.people.models import Member

TOKEN_PREFIX = "chx_"
MAX_TOKEN_LENGTH = 100
# Columns never exported: what would let someone act as the member, or is no one's data.
SECRET_WORDS = ("hash", "secret", "token", "salt", "password")
# Rows that point at the member but are not their data (or are exported another way).
SKIP_MODELS = frozenset({"DataExport", "Entry"})


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def request_export(*, actor: Actor) -> DataExport:
    """Asks for a copy of the acting member's data; one asked for and not yet built is
    returned again (no second job). A coordinator acting for a proxy member gets the link."""
    async with in_transaction():
        member = await Member.select_for_update(no_key=True).get(
            id=actor.member_id, hub_id=actor.hub_id
        )
        pending = await DataExport.get_or_none(
            hub_id=member.hub_id, member_id=member.id, status=ExportStatus.PENDING
        )
        if pending is not None:
            return pending
        export = await DataExport.create(
            hub_id=member.hub_id,
            member_id=member.id,
            requested_by_id=actor.acted_by.id if actor.acted_by else None,
        )
        await jobs.enqueue("gdpr.build_export", {"export_id": export.id}, key=f"export:{export.id}")
        await audit.record(
            actor=actor,
            hub_id=member.hub_id,
            action="member.export_data",
            object_type="DataExport",
            object_id=export.id,
            subject_id=member.id,
        )
    return export


@job("gdpr.build_export")
async def build_export(*, export_id: int) -> None:
    async with in_transaction():
        export = await DataExport.select_for_update().get_or_none(id=export_id)
        if export is None or export.status == ExportStatus.READY:
            return  # built already, or the member erased their account since
        member = await Member.get(id=export.member_id)
        content = await collect(member)
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        export.content = content
        export.html = render_html(content)
        export.status = ExportStatus.READY
        export.token_hash = digest(raw)
        export.ready_at = now
        export.expires_at = now + timedelta(seconds=get_settings().export_link_ttl_seconds)
        await export.save()
        recipient = member
        if export.requested_by_id is not None:
            recipient = await Member.get(id=export.requested_by_id)
        if recipient.email:
            link = f"{get_settings().public_url}/exports/{raw}"
            hub = await Hub.get(id=recipient.hub_id).only("id", "timezone")  # type: ignore[attr-defined]
            with use_locale(await recipient_locale(recipient)):
                await queue_email(
                    to=recipient.email,
                    subject=gettext("Your Community Hub data is ready"),
                    text=gettext("Hello,")
                    + "\n\n"
                    + gettext(
                        "The copy of your data you asked for is ready. Download it here (JSON, "
                        "or add ?format=html for a page to read):"
                    )
                    + f"\n\n{link}\n\n"
                    + gettext(
                        "The link works until {when}.",
                        when=format_when(export.expires_at, timezone=hub.timezone),
                    )
                    + "\n",
                    key=f"export-mail:{export.id}",
                )


class LinkExpired(Exception):
    """The export's link is past its 7 days."""


async def by_token(raw: str) -> DataExport | None:
    """The ready export a link names; None if unknown (or erased since); LinkExpired if late."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    export = await DataExport.get_or_none(token_hash=digest(raw), status=ExportStatus.READY)
    if export is None:
        return None
    if export.expires_at is None or export.expires_at <= datetime.now(UTC):
        raise LinkExpired
    return export


async def collect(member: Member) -> dict[str, Any]:
    """Every row of the member's hub that points at them, by table, secrets left out; and the
    same for each of their guest accounts in partner hubs (app/federation/guests.py)."""
    data: dict[str, Any] = {"exported_at": datetime.now(UTC).isoformat(), **await _of(member)}
    guests = await Member.filter(home_member_id=member.id).order_by("id")
    if guests:
        data["guest_accounts"] = [await _of(guest) for guest in guests]
    return data


async def _of(member: Member) -> dict[str, Any]:
    data: dict[str, Any] = {
        "member": _row(member.__class__, await _values(Member, {"id": member.id})),
    }
    tables: dict[str, list[dict[str, Any]]] = {}
    for model, field in _member_links():
        rows = await _values(model, {f"{field}": member.id}, many=True)
        if rows:
            tables.setdefault(model._meta.db_table, []).extend(_row(model, r) for r in rows)
    account = await Account.get_or_none(hub_id=member.hub_id, member_id=member.id)
    if account is not None:
        entries = await _values(Entry, {"account_id": account.id}, many=True)
        tables["entry"] = [_row(Entry, r) for r in entries]
    data["tables"] = dict(sorted(tables.items()))
    return data


def _member_links() -> list[tuple[type[Model], str]]:
    """(model, its id column) for every foreign key to Member, in a stable order."""
    found = []
    for model in Tortoise.apps["models"].values():
        if model.__name__ in SKIP_MODELS:
            continue
        for name, field in model._meta.fields_map.items():
            if isinstance(field, ForeignKeyFieldInstance) and field.related_model is Member:
                found.append((model, f"{name}_id"))
    return sorted(found, key=lambda mf: (mf[0]._meta.db_table, mf[1]))


def _columns(model: type[Model]) -> list[str]:
    return [
        name
        for name in model._meta.fields_db_projection
        if not any(word in name for word in SECRET_WORDS)
    ]


async def _values(model: type[Model], where: dict[str, Any], *, many: bool = False) -> Any:
    query = model.filter(**where).order_by("id").values(*_columns(model))
    rows = await query
    return rows if many else (rows[0] if rows else {})


def _row(model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def render_html(content: dict[str, Any]) -> str:
    """The same data as a page to read: the profile, then one table per kind of record."""
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Your data</title></head><body>",
        "<h1>Your data</h1>",
        f"<p>Exported {e(str(content['exported_at']))}.</p>",
        "<h2>Profile</h2><dl>",
        *(f"<dt>{e(k)}</dt><dd>{e(_text(v))}</dd>" for k, v in content["member"].items()),
        "</dl>",
    ]
    sections = [("", content["tables"])] + [
        (f"guest account in hub {g['member'].get('hub_id')}: ", g["tables"])
        for g in content.get("guest_accounts", [])
    ]
    for prefix, table, rows in ((p, t, r) for p, tables in sections for t, r in tables.items()):
        columns = list(rows[0]) if rows else []
        parts.append(f"<h2>{e(prefix + table.replace('_', ' '))}</h2><table><tr>")
        parts.extend(f"<th>{e(c)}</th>" for c in columns)
        parts.append("</tr>")
        for row in rows:
            parts.append(
                "<tr>" + "".join(f"<td>{e(_text(row[c]))}</td>" for c in columns) + "</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _text(value: Any) -> str:
    return "" if value is None else str(value)
