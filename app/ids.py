"""Global IDs: what the API's `id` fields hold and `node(id:)` takes, for app/ and schema/ alike.

A global ID is the base64 of `<GraphQL type name>:<database id>` (the Relay convention, and
strawberry's encoding): `global_id("Opportunity", 27)` is "T3Bwb3J0dW5pdHk6Mjc=". The API
(schema/relay.py) and what leaves the system without it (webhook payloads) both use these
functions, so an integrator can pass any ID we send to `node(id:)`.
"""

import base64
import binascii

# Database ids are PostgreSQL bigints.
MAX_DB_ID = 2**63 - 1


def global_id(type_name: str, pk: int) -> str:
    """The global ID of row `pk` of the GraphQL type `type_name`."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse(value: str) -> tuple[str, str]:
    """(type name, node id) inside a global ID; ValueError when it is not one."""
    # Decoded as strawberry decodes the IDs `node(id:)` takes (relay.from_base64).
    try:
        decoded = base64.b64decode(value.encode()).decode()
    except (binascii.Error, UnicodeError) as exc:
        raise ValueError("Not a valid ID.") from exc
    type_name, sep, node_id = decoded.partition(":")
    if not sep or not type_name:
        raise ValueError("Not a valid ID.")
    return type_name, node_id


def db_id(node_id: str) -> int:
    """The database id inside a global ID: a 64-bit integer of 0 or more, else ValueError."""
    if not node_id.isascii() or not node_id.isdigit():
        raise ValueError("Not a valid ID.")
    value = int(node_id)
    if value > MAX_DB_ID:
        raise ValueError("Not a valid ID.")
    return value


def pk_of(value: str, type_name: str) -> int:
    """The database id inside a global ID of `type_name`; ValueError for any other value."""
    found, node_id = parse(value)
    if found != type_name:
        raise ValueError(f"Expected the ID of a {type_name}.")
    return db_id(node_id)
