"""Compiled mutations (schema/compiled/mutations.py) answer byte for byte what the interpreter
answers, for every payMember and applyToOpportunity document of the test suite and of bench/.

Each case runs once compiled and once on the interpreter (CH_COMPILE_READS off), each from the
same state: two members funded alike pay the same payee, two members alike apply to the same
opportunity; a refusal or a replay runs as the same member both times (it writes nothing). The
HTTP bodies must be equal as bytes once the global ID of a row the request itself created is
replaced by its type (a second payment cannot have the first one's id) and the sender's by
<sender>, and the budget left in `extensions.cost` (every request spends it) by _. A document
the compiled path does not take (it selects a relation) is compared too:
both runs are then the interpreter's, and the test says which path each case took.
"""

import importlib
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse

from app.config import get_settings
from app.credits.models import Transfer
from app.metrics import GRAPHQL_OPERATIONS
from app.opportunities.models import Application
from schema.compiled import mutations
from schema.relay import encode_id
from tests.credits.conftest import fund_member
from tests.helpers import GraphQLClient, Person, create_person
from tests.opportunities.conftest import category, post  # noqa: F401  (shared fixtures)

ROOTS = {"payMember", "applyToOpportunity"}


def _suite_documents() -> Iterator[tuple[str, str, str]]:
    """(name, root field, document) of every module-level GraphQL constant in tests/ and
    bench/ whose operation is one of the compiled mutations with its `$input`."""
    import bench
    import tests

    for package in (tests, bench):
        root = Path(package.__path__[0])
        for path in sorted(root.rglob("*.py")):
            if "node_modules" in path.parts:
                continue
            text = path.read_text(errors="replace")
            if "payMember" not in text and "applyToOpportunity" not in text:
                continue
            relative = path.relative_to(root.parent).with_suffix("")
            name = ".".join(relative.parts).removesuffix(".__init__")
            try:
                module = importlib.import_module(name)
            except Exception:  # a module that needs what this machine lacks
                continue
            for attr, value in vars(module).items():
                if attr.isupper() and isinstance(value, str):
                    found = _root(value)
                    if found is not None:
                        yield f"{name}.{attr}", found, value


def _root(text: str) -> str | None:
    """The compiled root a document runs with a `$input` variable, else None."""
    try:
        document = parse(text)
    except Exception:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation.value != "mutation":
        return None
    (operation,) = operations
    names = [v.variable.name.value for v in operation.variable_definitions or ()]
    roots = operation.selection_set.selections
    if names != ["input"] or len(roots) != 1 or not isinstance(roots[0], FieldNode):
        return None
    return roots[0].name.value if roots[0].name.value in ROOTS else None


SUITE_DOCUMENTS = sorted(_suite_documents())


def compiled_count() -> float:
    return float(GRAPHQL_OPERATIONS.labels(path="compiled mutation")._value.get())


@dataclass
class Run:
    """Who sends which variables: the compiled run, then the interpreted one."""

    compiled: tuple[Person | None, dict[str, Any]]
    interpreted: tuple[Person | None, dict[str, Any]]
    compiles: bool = True  # whether the compiled path takes it (else both are interpreted)


async def both(gql: GraphQLClient, document: str, run: Run) -> tuple[bytes, bytes, bool]:
    """The two HTTP bodies, with the rows each request created named by type only, and the
    sender's global ID as <sender>."""
    config = get_settings()
    bodies = []
    ran_compiled = False
    for compiled, (person, variables) in ((True, run.compiled), (False, run.interpreted)):
        config.compile_reads = compiled
        before_ids = await _last_ids()
        before = compiled_count()
        try:
            response = await gql.http.post(
                "/graphql",
                json={"query": document, "variables": variables},
                headers=person.headers if person else {},
            )
        finally:
            config.compile_reads = True
        if compiled:
            ran_compiled = compiled_count() > before
        else:
            assert compiled_count() == before
        body = await _named_new_rows(response.content, before_ids)
        # The caller's query budget (issue 20) is spent by every request: what is left differs.
        body = re.sub(rb'"(remaining|resetSeconds)":[0-9.]+', rb'"\1":_', body)
        if person is not None:  # each run's own sender, alike but for the id
            body = body.replace(str(encode_id("Member", person.member.id)).encode(), b"<sender>")
        bodies.append(body)
    return bodies[0], bodies[1], ran_compiled


async def _last_ids() -> dict[str, int]:
    last_transfer = await Transfer.all().order_by("-id").first()
    last_application = await Application.all().order_by("-id").first()
    return {
        "Transfer": last_transfer.id if last_transfer else 0,
        "Application": last_application.id if last_application else 0,
    }


async def _named_new_rows(body: bytes, before: dict[str, int]) -> bytes:
    after = await _last_ids()
    for type_name, last in before.items():
        for pk in range(last + 1, after[type_name] + 1):
            body = body.replace(
                str(encode_id(type_name, pk)).encode(), f"<new {type_name}>".encode()
            )
    return body


def _pay(payee: Person, amount: int, key: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "payeeId": str(encode_id("Member", payee.member.id)),
            "amount": amount,
            "idempotencyKey": key or uuid.uuid4().hex,
            **extra,
        }
    }


@dataclass
class World:
    hub: Any
    other_hub: Any
    make_person: Any
    post: Any
    gql: GraphQLClient
    document: str

    async def before(self, variables: dict[str, Any], person: Person) -> None:
        """Sends the document once beforehand, on the interpreter (the state both runs see)."""
        config = get_settings()
        config.compile_reads = False
        try:
            await self.gql.raw(self.document, variables, as_=person)
        finally:
            config.compile_reads = True


Case = Callable[[World], Awaitable[Run]]


async def _paid(w: World, amount: int) -> tuple[Person, Person]:
    """Two members with `amount` credits each."""
    first, second = await w.make_person(), await w.make_person()
    for person in (first, second):
        await fund_member(w.hub.id, person.member.id, amount)
    return first, second


async def pay_posted(w: World) -> Run:
    a, b = await _paid(w, 100)
    payee = await w.make_person()
    variables = _pay(payee, 30, memo="Fixed my bike", category="Repairs")
    return Run((a, variables), (b, {"input": {**variables["input"], "idempotencyKey": "k" * 20}}))


async def pay_refused(w: World) -> Run:
    a, b = await _paid(w, 50)
    payee = await w.make_person()
    return Run((a, _pay(payee, 51)), (b, _pay(payee, 51)))  # INSUFFICIENT_CREDITS


async def pay_invalid(w: World) -> Run:
    a, _ = await _paid(w, 50)
    payee = await w.make_person()
    return Run((a, _pay(payee, 0)), (a, _pay(payee, 0)))


async def pay_yourself(w: World) -> Run:
    a, _ = await _paid(w, 50)
    return Run((a, _pay(a, 5)), (a, _pay(a, 5)))


async def pay_a_stranger(w: World) -> Run:
    a, _ = await _paid(w, 50)
    stranger = await create_person(hub=w.other_hub)
    return Run((a, _pay(stranger, 5)), (a, _pay(stranger, 5)))


async def pay_a_bad_id(w: World) -> Run:
    a, _ = await _paid(w, 50)
    variables = {"input": {"payeeId": "not-an-id", "amount": 5, "idempotencyKey": "k" * 20}}
    return Run((a, variables), (a, variables))


async def _replay(w: World, amount: int) -> Run:
    a, _ = await _paid(w, 50)
    payee = await w.make_person()
    variables = _pay(payee, 10, key="replay-" + uuid.uuid4().hex)
    await w.before(variables, a)
    again = {"input": {**variables["input"], "amount": amount}}
    return Run((a, again), (a, again))


async def pay_replayed(w: World) -> Run:
    """The same key again: both answer the transfer made the first time."""
    return await _replay(w, 10)


async def pay_mismatched(w: World) -> Run:
    """The same key with another amount: IDEMPOTENCY_MISMATCH."""
    return await _replay(w, 11)


async def pay_anonymous(w: World) -> Run:
    payee = await w.make_person()
    return Run((None, _pay(payee, 5)), (None, _pay(payee, 5)), compiles=False)


async def pay_not_coercing(w: World) -> Run:
    a, _ = await _paid(w, 50)
    variables = {"input": {"payeeId": "x", "idempotencyKey": "k" * 20}}  # no amount
    return Run((a, variables), (a, variables), compiles=False)


def _apply(opportunity: Any, message: str = "") -> dict[str, Any]:
    return {
        "input": {
            "opportunityId": str(encode_id("Opportunity", opportunity.id)),
            "message": message,
        }
    }


async def apply_pending(w: World) -> Run:
    poster, a, b = await w.make_person(), await w.make_person(), await w.make_person()
    opportunity = await w.post(poster, places=5)
    return Run((a, _apply(opportunity, "I can help")), (b, _apply(opportunity, "I can help")))


async def apply_again(w: World) -> Run:
    poster, a = await w.make_person(), await w.make_person()
    opportunity = await w.post(poster, places=5)
    await w.before(_apply(opportunity), a)
    return Run((a, _apply(opportunity)), (a, _apply(opportunity)))


async def apply_own(w: World) -> Run:
    poster = await w.make_person()
    opportunity = await w.post(poster, places=5)
    return Run((poster, _apply(opportunity)), (poster, _apply(opportunity)))


async def apply_unknown(w: World) -> Run:
    a = await w.make_person()
    variables = {"input": {"opportunityId": str(encode_id("Opportunity", 10**9))}}
    return Run((a, variables), (a, variables))


async def apply_wrong_type(w: World) -> Run:
    a = await w.make_person()
    variables = {"input": {"opportunityId": str(encode_id("Member", a.member.id))}}
    return Run((a, variables), (a, variables))


PAY_CASES: list[Case] = [
    pay_posted,
    pay_refused,
    pay_invalid,
    pay_yourself,
    pay_a_stranger,
    pay_a_bad_id,
    pay_replayed,
    pay_mismatched,
    pay_anonymous,
    pay_not_coercing,
]
APPLY_CASES: list[Case] = [apply_pending, apply_again, apply_own, apply_unknown, apply_wrong_type]


def _compilable(document: str) -> bool:
    from schema import schema

    return mutations._plan(schema, document, None) is not None


def test_the_suite_has_documents_for_both_mutations_and_most_compile() -> None:
    roots = {root for _, root, _ in SUITE_DOCUMENTS}
    names = [name for name, _, _ in SUITE_DOCUMENTS]
    assert roots == ROOTS, names
    assert any(n.startswith("bench") for n in names), names
    compiled = [name for name, _, document in SUITE_DOCUMENTS if _compilable(document)]
    assert {"bench.documents.PAY", "bench.documents.APPLY"} <= set(compiled), compiled
    assert len(compiled) >= 6, compiled


@pytest.mark.parametrize(
    ("name", "root", "document"), SUITE_DOCUMENTS, ids=[n for n, _, _ in SUITE_DOCUMENTS]
)
async def test_every_suite_document_answers_byte_for_byte_the_same_compiled(
    gql: GraphQLClient,
    hub: Any,
    other_hub: Any,
    make_person: Any,
    post: Any,  # noqa: F811
    name: str,
    root: str,
    document: str,
) -> None:
    world = World(hub, other_hub, make_person, post, gql, document)
    for case in PAY_CASES if root == "payMember" else APPLY_CASES:
        # given the same state for both runs
        run = await case(world)
        # when the document runs compiled, then on the interpreter
        compiled, interpreted, ran_compiled = await both(gql, document, run)
        # then the bodies are the same bytes, and the compiled path took what it may
        assert compiled == interpreted, (case.__name__, compiled, interpreted)
        assert ran_compiled == (run.compiles and _compilable(document)), case.__name__
