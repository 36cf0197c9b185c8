"""A hub's trusted documents: the GraphQL documents its own apps send, registered by SHA-256.

Operators register them from the apps' persisted-query manifest (`communityhub
register-documents`); with `Hub.trusted_documents_only` the API runs nothing else for the hub
(schema/documents.py). The flag costs no statement of its own: it comes with the access
token's member (app.auth.service.authenticate) or with the CH-Hub lookup
(app.hubs.service.ref_by_slug). Registered documents are cached per
process for DOCUMENT_TTL_SECONDS (so one dropped with `--replace` stops running within it).
"""

import hashlib
import time
from dataclasses import dataclass

from graphql import GraphQLError, parse

from app.hubs import service as hubs
from app.hubs.models import Hub, TrustedDocument
from app.people.models import Member

_DOCUMENTS: dict[tuple[int, str], tuple[str, float]] = {}
_DOCUMENTS_MAX = 5_000
DOCUMENT_TTL_SECONDS = 60.0


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Document:
    sha256: str
    name: str | None
    body: str


class ManifestError(ValueError):
    """The manifest cannot be registered; the message says which entry and why."""


def read_manifest(data: object) -> list[Document]:
    """The documents of an Apollo persisted-query manifest (`{"format":
    "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name", "type",
    "body"}]}`) or a Relay one (`{"<id>": "<text>"}`, persistConfig algorithm SHA256). Every id
    must be the SHA-256 of its text, as the apps send it."""
    if isinstance(data, dict) and "format" in data:
        if data.get("format") != "apollo-persisted-query-manifest" or data.get("version") != 1:
            raise ManifestError("Unknown format: expected apollo-persisted-query-manifest v1.")
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ManifestError("The manifest's `operations` must be a list.")
        pairs = []
        for i, op in enumerate(operations):
            if not isinstance(op, dict):
                raise ManifestError(f"operations[{i}] is not an object.")
            name = op.get("name")
            pairs.append((op.get("id"), op.get("body"), name if isinstance(name, str) else None))
    elif isinstance(data, dict):
        pairs = [(key, value, None) for key, value in data.items()]
    else:
        raise ManifestError("A manifest is a JSON object (Apollo or Relay persisted queries).")
    documents: dict[str, Document] = {}
    for id_, body, name in pairs:
        label = name or str(id_)[:70]
        if not isinstance(id_, str) or not isinstance(body, str) or not body.strip():
            raise ManifestError(f"{label}: each entry needs a string id and a document.")
        if "\x00" in body:
            raise ManifestError(f"{label}: the document holds a NUL character.")
        if sha256_hex(body) != id_.lower():
            raise ManifestError(
                f"{label}: its id is not the SHA-256 of its document (hash the exact text the"
                " app sends; Relay: persistConfig algorithm SHA256)."
            )
        try:
            parse(body)
        except GraphQLError as exc:
            raise ManifestError(f"{label}: not a GraphQL document: {exc.message}") from exc
        documents[id_.lower()] = Document(id_.lower(), name, body)
    if not documents:
        raise ManifestError("The manifest holds no documents.")
    return list(documents.values())


async def register(
    hub_slug: str, documents: list[Document], *, replace: bool = False
) -> dict[str, int]:
    """Registers the documents for the hub (idempotent); `replace` also drops the hub's
    documents missing from this list. Returns how many were added, kept and removed."""
    hub = await hubs.get_by_slug(hub_slug)
    wanted = {d.sha256 for d in documents}
    known = set(
        await TrustedDocument.filter(hub_id=hub.id).values_list("sha256", flat=True)  # type: ignore[arg-type]
    )
    new = [
        TrustedDocument(hub_id=hub.id, sha256=d.sha256, name=d.name, body=d.body)
        for d in documents
        if d.sha256 not in known
    ]
    await TrustedDocument.bulk_create(new, ignore_conflicts=True)
    removed = 0
    if replace and known - wanted:
        removed = await TrustedDocument.filter(hub_id=hub.id, sha256__in=known - wanted).delete()
        forget(hub.id)  # other processes forget them within DOCUMENT_TTL_SECONDS
    return {"added": len(new), "kept": len(known & wanted), "removed": removed}


def trusted_only_of(member: Member) -> bool:
    """Whether the member's hub runs only its registered documents, as loaded with the member
    (authenticate selects the hub); a member loaded without it asks nothing and answers False,
    so callers pass one that came from authenticate."""
    hub = member.hub
    return bool(isinstance(hub, Hub) and hub.trusted_documents_only)


async def registered(hub_id: int, sha256: str) -> str | None:
    """The hub's registered document with this hash, or None."""
    key = (hub_id, sha256)
    cached = _DOCUMENTS.get(key)
    if cached is not None and cached[1] > time.monotonic():
        return cached[0]
    rows = await TrustedDocument.filter(hub_id=hub_id, sha256=sha256).values_list("body", flat=True)
    if not rows:
        return None
    if len(_DOCUMENTS) >= _DOCUMENTS_MAX:
        _DOCUMENTS.clear()
    _DOCUMENTS[key] = (str(rows[0]), time.monotonic() + DOCUMENT_TTL_SECONDS)
    return str(rows[0])


def forget(hub_id: int) -> None:
    """Drops this process's cached documents of the hub."""
    for key in [k for k in _DOCUMENTS if k[0] == hub_id]:
        _DOCUMENTS.pop(key, None)
