"""The GraphQL API as an app calls it: POST /graphql on the ASGI app, with the member's token.

The view hands a request's jobs to the queue after it answered, as in production.
"""

from typing import Any

import httpx
from strawberry import relay

from schema.relay import encode_id


def gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def pk(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


class Api:
    def __init__(self) -> None:
        from app.http import create_app

        transport = httpx.ASGITransport(app=create_app())
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    async def close(self) -> None:
        await self.http.aclose()

    async def mutate(
        self, token: str, field: str, input: dict[str, Any], selection: str
    ) -> dict[str, Any]:
        """Runs `field(input:)`; returns the whole response body (data and any errors)."""
        input_type = field[0].upper() + field[1:] + "Input"
        document = (
            f"mutation Sim($input: {input_type}!) {{ {field}(input: $input) {{ {selection}"
            " errors { code field message } } }"
        )
        response = await self.http.post(
            "/graphql",
            json={"query": document, "variables": {"input": input}},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 200:
            raise AssertionError(f"{field}: HTTP {response.status_code}: {response.text}")
        body: dict[str, Any] = response.json()
        return body
