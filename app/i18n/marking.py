"""Finds member-visible texts that are not marked for translation (an AST scan of the code).

Looked at: the message of DomainError / OpenDataError / AccessDenied / NotAuthenticated and of
`bag.add(code, message, field)` (ErrorBag); the subject and text of `queue_email(...)` and of
`{"subject": ..., "text": ...}` email jobs; the title and reason of notifications
(`Notification(...)`, `Notification.create(...)`, `tell(...)`).

Unmarked means a string literal, an f-string or a `+` of them, or `"...".format(...)`, with a
letter in it. Marked means wrapped: `_("No such asset.")`, `_("Only {n} left.", n=n)`,
`gettext(...)`, `ngettext(...)`; a name or attribute passes (it is checked where it is made).
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app.i18n.extract import ROOT, SOURCE_DIRS

ERRORS = {"DomainError": 1, "OpenDataError": 1, "AccessDenied": 0, "NotAuthenticated": 0}
BAGS = {"bag"}
NOTIFICATION_CALLS = {"Notification", "create", "tell"}
# Texts for developers, not members (HTTP headers of API clients): English only, on purpose.
DEVELOPER_TEXTS = {
    ("schema/view.py", "CH-Act-For needs a coordinator's own session."),
    ("schema/matching/subscriptions.py", 'Send {"Authorization": "Bearer <access token>"}'),
    ("schema/view.py", "Use 'Authorization: Bearer <access token>'."),
}

# Answers to machines, specified in English (the sensor-ingest JSON API: POST /sensors/v1/readings,
# read by device firmware and scripts, like Open311's errors): English only, on purpose.
MACHINE_FILES = {"app/web/sensors.py", "app/civic/sensors/ingest.py"}
MACHINE_TEXTS = {
    ("app/civic/sensors/devices.py", "This is not a device key."),  # device_of_key: ingest only
    ("app/civic/sensors/devices.py", "No device has this key."),
}

# Not translated yet: none listed (add (path, start of text) here only with a reason).
NOT_YET: set[tuple[str, str]] = set()
KNOWN = DEVELOPER_TEXTS | MACHINE_TEXTS | NOT_YET

HOW_TO_MARK = (
    "wrap it in _() from app.i18n, with str.format names instead of an f-string "
    '(_("Only {n} left.", n=n)); for text rendered now (emails) use gettext()/ngettext(). '
    "Then run `uv run communityhub i18n update` and translate the new entries in "
    "app/locale/it/LC_MESSAGES/messages.po and app/locale/es/LC_MESSAGES/messages.po."
)


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    what: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} is not marked: {self.text!r}"


def _has_words(text: str) -> bool:
    """Letters outside the {placeholders}: '{title}' alone has no words to translate."""
    return any(c.isalpha() for c in re.sub(r"\{[^{}]*\}", "", text))


def _literal_text(node: ast.AST) -> str | None:
    """The English text of an unmarked literal expression, or None when it is not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if _has_words(node.value) else None
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        text = "".join(str(p) for p in parts)
        return text if _has_words(text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_text(node.left) or _literal_text(node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _literal_text(node.func.value)
    return None


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _checked(call: ast.Call) -> Iterator[tuple[str, ast.AST]]:
    """(what, expression) of each member-visible argument of the call."""
    name = _name(call)
    if name in ERRORS:
        index = ERRORS[name]
        if len(call.args) > index:
            yield f"{name} message", call.args[index]
        yield from ((f"{name} message", k.value) for k in call.keywords if k.arg == "message")
    elif (
        name == "add"
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in BAGS
        and len(call.args) >= 2
    ):
        yield "ErrorBag message", call.args[1]
    elif name == "queue_email":
        yield from (
            (f"email {k.arg}", k.value) for k in call.keywords if k.arg in ("subject", "text")
        )
    elif name in NOTIFICATION_CALLS:
        yield from (
            (f"notification {k.arg}", k.value)
            for k in call.keywords
            if k.arg in ("title", "reason")
        )


TEXT_CONSTANT_SUFFIXES = ("TITLE", "TITLES", "TEXT", "TEXTS", "SUBJECT", "REASON", "MESSAGE")


def _constants(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """Module-level text constants (`TITLE = "..."`, `TEXTS = {...: "..."}`): every string in
    them is read by members."""
    for node in tree.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        if not isinstance(target, ast.Name) or not any(
            target.id == suffix or target.id.endswith("_" + suffix)
            for suffix in TEXT_CONSTANT_SUFFIXES
        ):
            continue
        values: list[ast.AST] = [node.value]
        while values:
            value = values.pop()
            if isinstance(value, ast.Dict):
                values.extend(value.values)
            elif isinstance(value, ast.Tuple | ast.List):
                values.extend(value.elts)
            else:
                yield f"text constant {target.id}", value


MARKERS = {"_", "n_", "gettext", "ngettext"}


def _hidden_in_fstring(node: ast.JoinedStr, path: str) -> list[Unmarked]:
    """`f"<h2>{gettext('Badges')}</h2>"`: the extractor does not look inside f-strings, so the
    text would never reach the catalogues."""
    found = []
    for value in node.values:
        for inner in ast.walk(value):
            if (
                isinstance(inner, ast.Call)
                and _name(inner) in MARKERS
                and inner.args
                and isinstance(inner.args[0], ast.Constant)
            ):
                text = str(inner.args[0].value)
                found.append(Unmarked(path, inner.lineno, "a text marked inside an f-string", text))
    return found


def scan_source(source: str, path: str) -> list[Unmarked]:
    if path in MACHINE_FILES:
        return []
    found = []
    tree = ast.parse(source)
    for what, expression in _constants(tree):
        text = _literal_text(expression)
        if text is not None and not any(path == p and text.startswith(t) for p, t in KNOWN):
            found.append(Unmarked(path, getattr(expression, "lineno", 0), what, text))
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            found += _hidden_in_fstring(node, path)
        checked: list[tuple[str, ast.AST]] = []
        if isinstance(node, ast.Call):
            checked = list(_checked(node))
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"subject", "text"} <= keys:
                checked = [
                    (f"email {k.value}", v)
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and k.value in ("subject", "text")
                ]
        for what, expression in checked:
            text = _literal_text(expression)
            if text is None:
                continue
            if any(path == p and text.startswith(t) for p, t in KNOWN):
                continue
            found.append(Unmarked(path, getattr(expression, "lineno", 0), what, text))
    return found


def scan(root: Path = ROOT) -> list[Unmarked]:
    """Every unmarked member-visible text under app/, schema/ and workers/."""
    found = []
    for directory in SOURCE_DIRS:
        for path in sorted((root / directory).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            found += scan_source(path.read_text(encoding="utf-8"), relative)
    return found
