"""The fields HSDS 3.0 and 360Giving 1.4 require, written here (not copied files) so that CI
checks every feed even where the published schemas are absent (tests/opendata/schemas/README.md:
they may not be committed, and no package on PyPI or npm ships them, 2026-12).

Each list is the `required` of the published schema named beside it, read at the version the
README pins; tests/opendata/test_schemas.py compares them with the published files whenever
those are present.

HSDS 3.0: https://github.com/openreferral/specification, branch 3.0, commit 279fd2eb (2024-05-16),
`schema/<object>.json` (`required`, and the `enum`s and `format: uuid` of the fields below);
`schema/openapi.json` `components.schemas.Page` for the paging envelope (its fields are not
marked required there; the API's paths always send all seven, and so do we).

360Giving 1.4: https://github.com/ThreeSixtyGiving/standard, tag 1.4.3,
`schema/360-giving-package-schema.json` (`required: ["grants"]`) and
`schema/360-giving-schema.json` (a grant's `oneOf` of two `required` lists: with
`recipientOrganization` or with `recipientIndividual`; `$defs/Organization` and
`$defs/Person` require `id` and `name`).
"""

from typing import Any

from jsonschema import Draft202012Validator

HSDS_VERSION = "3.0 (openreferral/specification@279fd2eb3552c349bf698c07c00cc25f5fc8249b)"
GIVING_VERSION = "1.4.3 (ThreeSixtyGiving/standard@bc44062614983240bf0cd91342349d91619bf5b2)"

# object -> its required fields (schema/<object>.json "required")
HSDS_REQUIRED: dict[str, list[str]] = {
    "organization": ["id", "name", "description"],
    "service": ["id", "name", "status"],
    "location": ["id", "location_type"],
    "service_at_location": ["id"],
    "address": [
        "id", "address_1", "city", "state_province", "postal_code", "country", "address_type",
    ],
    "phone": ["id", "number"],
    "contact": ["id"],
    "schedule": ["id"],
    "service_area": ["id"],
    "language": ["id"],
    "funding": ["id"],
    "cost_option": ["id"],
    "required_document": ["id"],
    "accessibility": ["id"],
    "attribute": ["id"],
    "taxonomy_term": ["id", "name", "description"],
    "taxonomy": ["id", "name", "description"],
    "program": ["id", "name", "description"],
    "organization_identifier": ["id", "identifier_type", "identifier"],
    "metadata": [
        "id", "last_action_date", "last_action_type", "field_name", "previous_value",
        "replacement_value", "updated_by",
    ],
}  # fmt: skip
# fields with an enum in the published schemas
HSDS_ENUMS: dict[str, dict[str, list[str]]] = {
    "service": {"status": ["active", "inactive", "defunct", "temporarily closed"]},
    "location": {"location_type": ["physical", "postal", "virtual"]},
    "address": {"address_type": ["physical", "postal", "virtual"]},
}
# a nested property's name -> the object it holds (a list when plural), as HSDS names them
HSDS_NESTED: dict[str, str] = {
    "organization": "organization",
    "services": "service",
    "service": "service",
    "locations": "location",
    "location": "location",
    "service_at_locations": "service_at_location",
    "addresses": "address",
    "phones": "phone",
    "contacts": "contact",
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "accessibility": "accessibility",
    "attributes": "attribute",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
    "program": "program",
    "programs": "program",
    "organization_identifiers": "organization_identifier",
    "metadata": "metadata",
}
SINGULAR = {"organization", "service", "location", "taxonomy_term", "taxonomy_detail", "program"}
UUID = {"type": "string", "format": "uuid"}
HSDS_PAGE: dict[str, Any] = {
    "type": "object",
    "required": [
        "total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty",
        "contents",
    ],
    "properties": {
        "total_items": {"type": "integer"}, "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"}, "size": {"type": "integer"},
        "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"}, "contents": {"type": "array"},
    },
}  # fmt: skip


def _hsds_defs() -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for prop, kind in HSDS_NESTED.items():
        ref = {"$ref": f"#/$defs/{kind}"}
        nested[prop] = ref if prop in SINGULAR else {"type": "array", "items": ref}
    defs = {}
    for kind, required in HSDS_REQUIRED.items():
        properties: dict[str, Any] = {"id": UUID, **nested}
        for field, values in HSDS_ENUMS.get(kind, {}).items():
            properties[field] = {"type": "string", "enum": values}
        if kind in ("service", "service_at_location"):
            properties["organization_id" if kind == "service" else "service_id"] = UUID
        defs[kind] = {"type": "object", "required": required, "properties": properties}
    return defs


def hsds(kind: str) -> dict[str, Any]:
    """An HSDS object with everything nested in it: the required fields at every level."""
    return {"$defs": _hsds_defs(), "$ref": f"#/$defs/{kind}"}


def hsds_page(kind: str) -> dict[str, Any]:
    """A page of `kind` (the Page's seven fields, and `contents`)."""
    page = {**HSDS_PAGE, "properties": dict(HSDS_PAGE["properties"])}
    page["properties"]["contents"] = {"type": "array", "items": {"$ref": f"#/$defs/{kind}"}}
    return {"$defs": _hsds_defs(), **page}


# -- 360Giving 1.4 ----------------------------------------------------------------------------

GRANT_REQUIRED = ["id", "title", "description", "currency", "amountAwarded", "awardDate"]
ORGANIZATION = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
DATE = {
    "type": "string",
    "oneOf": [
        {"format": "date-time"},
        {"pattern": "^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$"},
    ],
}
GRANT: dict[str, Any] = {
    "type": "object",
    "oneOf": [
        {"required": [*GRANT_REQUIRED, "recipientOrganization", "fundingOrganization"]},
        {"required": [*GRANT_REQUIRED, "recipientIndividual", "fundingOrganization"]},
    ],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "amountAwarded": {"type": "number"},
        "awardDate": DATE,
        "recipientOrganization": {"type": "array", "minItems": 1, "items": ORGANIZATION},
        "recipientIndividual": ORGANIZATION,  # $defs/Person: id and name too
        "fundingOrganization": {"type": "array", "minItems": 1, "items": ORGANIZATION},
    },
}
PACKAGE: dict[str, Any] = {
    "type": "object",
    "required": ["grants"],
    "properties": {
        "grants": {"type": "array", "minItems": 1, "uniqueItems": True, "items": GRANT},
        "modified": DATE,
    },
}


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
