"""What changed between two SDLs, in the words graphql-core's comparison uses."""

from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)
from graphql.utilities import find_breaking_changes, find_dangerous_changes


@dataclass(frozen=True)
class Change:
    severity: str  # BREAKING, DANGEROUS, ADDED or DEPRECATED
    kind: str  # graphql-core's BreakingChangeType / DangerousChangeType name, else the severity
    description: str


@lru_cache(maxsize=4)  # the changelog compares each version with the one before and after
def _schema(sdl: str) -> GraphQLSchema:
    return build_schema(sdl, assume_valid_sdl=True)


def breaking(old_sdl: str, new_sdl: str) -> list[Change]:
    """Changes that can break a client written against `old_sdl`."""
    found = find_breaking_changes(_schema(old_sdl), _schema(new_sdl))
    return [Change("BREAKING", change.type.name, change.description) for change in found]


def dangerous(old_sdl: str, new_sdl: str) -> list[Change]:
    """Changes that keep old documents valid but may change their answers (a new enum value)."""
    found = find_dangerous_changes(_schema(old_sdl), _schema(new_sdl))
    return [Change("DANGEROUS", change.type.name, change.description) for change in found]


def added(old_sdl: str, new_sdl: str) -> list[Change]:
    """Types, fields and enum values that `new_sdl` has and `old_sdl` had not."""
    # New arguments and input fields are reported by `dangerous` or `breaking` already.
    old = schema_members(_schema(old_sdl), inputs=False)
    new = schema_members(_schema(new_sdl), inputs=False)
    return [
        Change("ADDED", "ADDED", f"{name} was added.") for name in sorted(new.keys() - old.keys())
    ]


def deprecated(old_sdl: str, new_sdl: str) -> list[Change]:
    """Members deprecated in `new_sdl` that were not in `old_sdl`, with their reasons."""
    old, new = schema_members(_schema(old_sdl)), schema_members(_schema(new_sdl))
    return [
        Change("DEPRECATED", "DEPRECATED", f"{name} is deprecated: {reason}")
        for name, reason in sorted(new.items())
        if reason is not None and old.get(name) is None
    ]


def schema_members(schema: GraphQLSchema, *, inputs: bool = True) -> dict[str, str | None]:
    """Every named type and member (`Type.field`, `Type.field(arg)`, `Enum.VALUE`) -> its
    deprecation reason; without `inputs`, no arguments and no input objects' fields."""
    members: dict[str, str | None] = {}
    for name, type_ in schema.type_map.items():
        if name.startswith("__"):
            continue
        members[name] = None
        if isinstance(type_, GraphQLInputObjectType) and not inputs:
            continue
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                members[f"{name}.{field_name}"] = getattr(field, "deprecation_reason", None)
                for arg_name, arg in getattr(field, "args", {}).items() if inputs else ():
                    members[f"{name}.{field_name}({arg_name})"] = arg.deprecation_reason
        elif isinstance(type_, GraphQLEnumType):
            for value_name, value in type_.values.items():
                members[f"{name}.{value_name}"] = value.deprecation_reason
    return members
