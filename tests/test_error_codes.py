"""Every top-level error code the server can answer is declared: in the SDL (enum ErrorCode)
and in the README's "Errors" table.

The codes are found in the source: `extensions` codes and the code arguments of AccessDenied
and RequestError anywhere in app/ and schema/, and every upper-case string of the modules that
type top-level errors. A new code (say PERSISTED_QUERY_NOT_FOUND) fails this test until it is
declared and documented.
"""

import re
from pathlib import Path

from schema.error_codes import ErrorCode

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
SDL = (ROOT / "schema" / "schema.graphql").read_text()
# Modules whose upper-case strings are all error codes.
ERROR_MODULES = [
    "schema/errors.py",
    "schema/cost.py",
    "schema/view.py",
    "schema/scalars.py",
    "app/errors.py",
    "app/web/middleware.py",
]
CODE = r"\"([A-Z][A-Z_]{3,})\""
ANYWHERE = [
    re.compile(r"[\"']code[\"']\s*:\s*" + CODE),
    re.compile(r"\bcode\s*=\s*" + CODE),
    re.compile(r"AccessDenied\([^()]*(?:\([^()]*\)[^()]*)*,\s*" + CODE),
    re.compile(r"RequestError\([^()]*(?:\([^()]*\)[^()]*)*,\s*" + CODE),
]
# Read errors typed from a domain error carry its code's name; these are the ones reads raise.
FROM_DOMAIN_ERRORS = {"INVALID", "NOT_FOUND", "NOT_CLOSED", "WOULD_ISOLATE"}


def answered_codes() -> set[str]:
    found = set(FROM_DOMAIN_ERRORS)
    for path in [*ROOT.glob("app/**/*.py"), *ROOT.glob("schema/**/*.py")]:
        text = path.read_text()
        for pattern in ANYWHERE:
            found |= set(pattern.findall(text))
    for name in ERROR_MODULES:
        found |= set(re.findall(CODE, (ROOT / name).read_text()))
    return found


def test_every_code_the_server_answers_is_in_the_error_code_enum() -> None:
    # given
    declared = {code.value for code in ErrorCode}
    # when
    answered = answered_codes()
    # then
    assert {"UNAUTHENTICATED", "FORBIDDEN", "PRIVATE", "INTERNAL_SERVER_ERROR"} <= answered
    assert answered - declared == set()


def test_the_sdl_and_the_readme_declare_every_code() -> None:
    # given
    enum = re.search(r"enum ErrorCode \{(.*?)\n\}", SDL, re.S)
    errors = README.split("## Errors", 1)[1].split("\n## ", 1)[0]
    # then
    assert enum is not None
    listed = set(re.findall(r"^  ([A-Z_]+)$", enum.group(1), re.M))
    assert listed == {code.value for code in ErrorCode}
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", errors, re.M))
    assert documented == {code.value for code in ErrorCode}
