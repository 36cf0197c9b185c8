"""The API's version: which server build answers and which schema release it keeps."""

import strawberry

from schema.stability.version import schema_digest, schema_release, server_version


@strawberry.type(description="The server build and the schema release it keeps its promises to.")
class ApiVersion:
    server: str = strawberry.field(description="The communityhub package version.")
    schema_release: str = strawberry.field(
        description="The released schema version (schema/released.graphql) that every "
        "document written against it still runs on: breaking changes since are listed in "
        "the changelog."
    )
    schema_digest: str = strawberry.field(
        description="The first 12 hex digits of the SHA-256 of this server's exported SDL."
    )


@strawberry.type
class VersionQueries:
    @strawberry.field(description="The server and schema versions (public).")
    def api_version(self) -> ApiVersion:
        return ApiVersion(
            server=server_version(),
            schema_release=schema_release(),
            schema_digest=schema_digest(),
        )
