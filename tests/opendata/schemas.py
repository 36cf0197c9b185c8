"""Each feed's checks: the fields its standard requires (tests/opendata/required.py, committed:
always run), and the published schema itself (tests/opendata/schemas/README.md: sources,
licences; pinned by SHA-256) whenever its file is present — `jsonschema`, Draft 2020-12,
formats checked. tests/opendata/test_schemas.py says, as a skip, when the files are absent."""

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.opendata import required

SCHEMAS = Path(os.environ.get("CH_OPENDATA_SCHEMAS") or Path(__file__).parent / "schemas")
PINNED = {
    "hsds/openapi.json": "3c473df56617f5e642f86e0a9ed7ee182a22eecf6f94dd1b91c50511fbbba34d",
    "hsds/organization.json": "e429ffe3b585da12da10b75cf30dfc0a67ef96b34f5e1b21141a2b627ca28119",
    "hsds/organization_list.json": (
        "0305c7ef394a29c91ac2dae1725ac0d31140343c2241417a482c5eb0f831dbeb"
    ),
    "hsds/service.json": "5cd7c2ecb5776947e437a4d5b9656f9a80db56bef3ad49f5bb142d49dbe66156",
    "hsds/service_list.json": "251cc879b756b1a444c5c95ff45887e09363e3fd7ad9d8691a1131b3ecd4ff4e",
    "hsds/service_at_location.json": (
        "2327ab495f61e4f8a25f8f13bc65427788849afb7b8be6ee455f799b412d2ffe"
    ),
    "hsds/service_at_location_list.json": (
        "03655d6ddd2c42b460ac6d9e82884a47711dfb6717820f6a0c44fa8ad1796fdb"
    ),
    "360giving/360-giving-package-schema.json": (
        "6e308c2b38b0d9e86a2ef7c64b4d6b992f9e425045a12cdc3d9ca51b9b75d4db"
    ),
    "360giving/360-giving-schema.json": (
        "cf2e13414e35ab916ac9edb71d6df126a9e7956a1e537535dab897c35cc6b7c5"
    ),
    "360giving/360-giving-schema-1.4.2.json": (
        "60eb6370845db20b11941ddb80d99de1e058a8b816bd49922d2da5510cf07065"
    ),
}
GIVING_REPO = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard"
GRANT_1_4_2 = f"{GIVING_REPO}/1.4.2/schema/360-giving-schema.json"


Checks = list[Draft202012Validator]


def missing() -> list[str]:
    """The published schemas that are not here."""
    return [name for name in PINNED if not (SCHEMAS / name).exists()]


@cache
def published(name: str) -> dict[str, Any] | None:
    """A published schema, exactly as published (its SHA-256 checked); None when absent."""
    path = SCHEMAS / name
    if not path.exists():
        return None
    raw = path.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == PINNED[name], f"{name} is not the published file"
    document: dict[str, Any] = json.loads(raw)
    return document


def load(name: str) -> dict[str, Any]:
    """A published schema, or a skip saying where to get it."""
    document = published(name)
    if document is None:
        pytest.skip(f"{SCHEMAS / name} is missing: see tests/opendata/schemas/README.md")
    return document


def _with_published(checks: Checks, *names: str, build: Any) -> Checks:
    """`checks`, and the published schema's validator when its files are all here."""
    if all(published(n) is not None for n in names):
        checks.append(build())
    return checks


def _validator(schema: dict[str, Any], registry: Registry | None = None) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(
        schema,
        registry=registry or Registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def check(checks: Checks | Draft202012Validator, instance: Any) -> None:
    for validator in checks if isinstance(checks, list) else [checks]:
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
        )


# -- HSDS 3.0 ---------------------------------------------------------------------------------


def hsds(name: str) -> Checks:
    """An HSDS object: its required fields, and schema/compiled/<name>.json when here."""
    return _with_published(
        [required.validator(required.hsds(name))],
        f"hsds/{name}.json",
        build=lambda: _validator(load(f"hsds/{name}.json")),
    )


def hsds_location() -> Checks:
    """A location: the compiled form embedded in service_at_location.json."""
    return _with_published(
        [required.validator(required.hsds("location"))],
        "hsds/service_at_location.json",
        build=lambda: _validator(load("hsds/service_at_location.json")["properties"]["location"]),
    )


def _published_page(item_schema: dict[str, Any]) -> Draft202012Validator:
    """A paged answer: openapi.json's Page with `contents` of `item_schema`, as the API's
    paths declare it; the Page's seven fields are required here (the API always sends them)."""
    page = load("hsds/openapi.json")["components"]["schemas"]["Page"]
    return _validator(
        {
            "allOf": [page],
            "required": [*page["properties"], "contents"],
            "properties": {"contents": {"type": "array", "items": item_schema}},
        }
    )


def hsds_list_page(name: str) -> Checks:
    """A page of <object>_list items (name: e.g. "service_list")."""
    return _with_published(
        [required.validator(required.hsds_page(name.removesuffix("_list")))],
        "hsds/openapi.json",
        f"hsds/{name}.json",
        build=lambda: _published_page(load(f"hsds/{name}.json")),
    )


def hsds_location_page() -> Checks:
    return _with_published(
        [required.validator(required.hsds_page("location"))],
        "hsds/openapi.json",
        "hsds/service_at_location.json",
        build=lambda: _published_page(
            load("hsds/service_at_location.json")["properties"]["location"]
        ),
    )


# -- 360Giving --------------------------------------------------------------------------------


def _published_package() -> Draft202012Validator:
    grant = load("360giving/360-giving-schema-1.4.2.json")
    registry: Registry = Registry().with_resource(
        GRANT_1_4_2, Resource.from_contents(grant, default_specification=DRAFT202012)
    )
    return _validator(load("360giving/360-giving-package-schema.json"), registry)


def giving_package() -> Checks:
    """The 360Giving package: its required fields, and the published package schema (its
    grants checked by the grant schema it names, 1.4.2) when here."""
    return _with_published(
        [required.validator(required.PACKAGE)],
        "360giving/360-giving-package-schema.json",
        "360giving/360-giving-schema-1.4.2.json",
        build=_published_package,
    )


def giving_grant() -> Checks:
    """The current grant schema (1.4.3) too, for every grant."""
    return _with_published(
        [required.validator(required.GRANT)],
        "360giving/360-giving-schema.json",
        build=lambda: _validator(load("360giving/360-giving-schema.json")),
    )
