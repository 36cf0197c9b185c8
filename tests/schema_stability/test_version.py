"""`communityhub --version` and the apiVersion query say the same thing."""

from importlib.metadata import version
from typing import Any

from typer.testing import CliRunner

from app.cli import cli
from schema.stability.version import schema_digest

API_VERSION = "query { apiVersion { server schemaRelease schemaDigest } }"


def test_the_command_prints_the_package_and_schema_versions() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == (
        f"communityhub {version('communityhub')} (schema release 0.1.0, SDL {schema_digest()})"
    )


async def test_anyone_reads_the_api_version(gql: Any) -> None:
    # when an anonymous client asks
    data = await gql(API_VERSION)
    # then
    assert data["apiVersion"] == {
        "server": version("communityhub"),
        "schemaRelease": "0.1.0",
        "schemaDigest": schema_digest(),
    }
