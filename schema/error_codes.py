"""The codes of top-level errors (`errors[].extensions.code`), declared in the SDL.

No field returns ErrorCode: it is in the schema so that developers who only read the SDL see
every code a request can fail with, and what to do about it. Mutations report expected
failures as payload errors instead (`errors { code field message }`, a code enum per module);
see README.md, "Errors". tests/test_error_codes.py fails when the server can answer a code
that is not listed here.
"""

from enum import Enum

import strawberry


@strawberry.enum(
    name="ErrorCode",
    description="The `extensions.code` of a top-level error (not used as a field type). A"
    " mutation's expected failures are not top-level errors: they come in its payload's"
    " `errors` list, with the module's own code enum.",
)
class ErrorCode(Enum):
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED",
        description="Sign in first: no access token, or it is not valid, has expired (refresh"
        " it) or belongs to a suspended account.",
    )
    ACT_FOR_REFUSED = strawberry.enum_value(
        "ACT_FOR_REFUSED",
        description="The CH-Act-For header names a member you may not act for (no active proxy"
        " link, not a coordinator, a suspended member, an OAuth token): the whole request is"
        " refused with HTTP 403 and nothing ran.",
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN",
        description="Signed in, but not allowed: a role you do not have, a row you are not a"
        " party to, another business's voucher.",
    )
    INSUFFICIENT_SCOPE = strawberry.enum_value(
        "INSUFFICIENT_SCOPE",
        description="An OAuth access token without the scope the field needs"
        " (extensions.scope names it; null: no scope grants it, members' own sessions only).",
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND",
        description="The ID or code you gave names nothing in your hub (extensions.field says"
        " which argument).",
    )
    PRIVATE = strawberry.enum_value(
        "PRIVATE",
        description="It exists, but its owner has not shared it (a private portfolio).",
    )
    INVALID = strawberry.enum_value(
        "INVALID",
        description="An argument breaks a rule of the read (an ID of the wrong type, `until`"
        " before `since`); extensions.field names it.",
    )
    BAD_USER_INPUT = strawberry.enum_value(
        "BAD_USER_INPUT",
        description="A value the server cannot take: a malformed ID or cursor, a page size"
        " over the limit, text PostgreSQL cannot store, variables that do not fit their types."
        " Nothing ran.",
    )
    GRAPHQL_PARSE_FAILED = strawberry.enum_value(
        "GRAPHQL_PARSE_FAILED",
        description="The document is not valid GraphQL syntax, or has more tokens than allowed.",
    )
    GRAPHQL_VALIDATION_FAILED = strawberry.enum_value(
        "GRAPHQL_VALIDATION_FAILED",
        description="The document does not fit the schema, or is deeper or has more aliases"
        " than allowed.",
    )
    NOT_CLOSED = strawberry.enum_value(
        "NOT_CLOSED",
        description="Ratings queries: the trial's window has not closed yet; reports can still"
        " change until then, so its ratings are not read before (a read before and one after a"
        " change would single out the testers who changed).",
    )
    WOULD_ISOLATE = strawberry.enum_value(
        "WOULD_ISOLATE",
        description="Ratings queries: this period holds some, not all, of the weeks withheld for"
        " having too few testers; set against another answer it could single out fewer than"
        " the hub's k testers. Choose weeks that are shown, or include every withheld week.",
    )
    RATE_LIMITED = strawberry.enum_value(
        "RATE_LIMITED",
        description="Too many requests: the caller's budget of query cost is spent (HTTP 429,"
        " Retry-After and the RateLimit header say when it refills), or too many sign-ins,"
        " password resets or voucher checks for one account or address. The message (and"
        " extensions.retryAfter, for the budget) says how many seconds to wait.",
    )
    QUERY_TOO_COMPLEX = strawberry.enum_value(
        "QUERY_TOO_COMPLEX",
        description="The operation's cost (fields times page sizes) is over the limit;"
        " extensions.cost says how much. Ask for smaller pages or fewer fields.",
    )
    PERSISTED_QUERY_NOT_FOUND = strawberry.enum_value(
        "PERSISTED_QUERY_NOT_FOUND",
        description="Automatic persisted queries: the server does not know the document of"
        " extensions.persistedQuery.sha256Hash (message PersistedQueryNotFound, HTTP 200)."
        " Send it again with the document; Apollo's PersistedQueryLink does.",
    )
    PERSISTED_QUERY_HASH_MISMATCH = strawberry.enum_value(
        "PERSISTED_QUERY_HASH_MISMATCH",
        description="The document's SHA-256 is not extensions.persistedQuery.sha256Hash; it did"
        " not run (HTTP 400). Hash the exact text you send.",
    )
    PERSISTED_QUERY_NOT_IN_LIST = strawberry.enum_value(
        "PERSISTED_QUERY_NOT_IN_LIST",
        description="The hub runs only its registered documents (trusted documents) and this"
        " is not one of them; nothing ran (HTTP 400). Register the app's manifest with"
        " `communityhub register-documents`.",
    )
    BAD_REQUEST = strawberry.enum_value(
        "BAD_REQUEST",
        description="The HTTP request itself is wrong (not JSON, an unsupported content type,"
        " a malformed body); answered with a 4xx status.",
    )
    SERVICE_UNAVAILABLE = strawberry.enum_value(
        "SERVICE_UNAVAILABLE",
        description="A passing fault (a lost database or Redis connection) stopped the request"
        " and nothing was changed: send it again (mutations with the same idempotency key)."
        " extensions.requestId identifies it in our logs.",
    )
    INTERNAL_SERVER_ERROR = strawberry.enum_value(
        "INTERNAL_SERVER_ERROR",
        description="Our fault. extensions.requestId identifies the request in our logs:"
        " quote it if you report the problem.",
    )
