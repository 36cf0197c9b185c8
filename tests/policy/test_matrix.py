"""The authorization matrix, generated from the schema and the policy table.

For every Node type, every sensitive field, every relation, every list and every mutation, a
caller of each kind (tests/policy/world.py) asks the API; what it gets must be exactly what the
table's rule says for that caller and row, read through the world's relations. A type, field,
list or mutation the world or this test cannot place fails the test: a new one needs a sample
(or an ID mapping) here, as it needs an entry in the table.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)

from app.actor import Actor
from app.policy import Viewer, registry
from app.policy.rules import AllOf, AnyOf, CallerRule, RowState, Rule, Through, Unlisted
from app.policy.table import OperationPolicy, TypePolicy
from schema import schema as api_schema
from tests.helpers import GraphQLClient
from tests.policy.world import Caller, Sample, World, build_world

GS = api_schema._schema


def _root(gtype: GraphQLObjectType | None) -> GraphQLObjectType:
    assert gtype is not None
    return gtype


QUERY, MUTATION = _root(GS.query_type), _root(GS.mutation_type)
TABLE = registry.table()
DENIED = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}
# Codes of their own with which a read of one row refuses it (its owner has not shared it).
READ_REFUSALS = {"PRIVATE"}

# Which type an ID argument or input field names (by its name).
ID_TYPES = {
    "id": "Member",
    "memberId": "Member",
    "payeeId": "Member",
    "coordinatorId": "Member",
    "organisationId": "Organisation",
    "opportunityId": "Opportunity",
    "applicationId": "Application",
    "hoursRecordId": "HoursRecord",
    "reviewId": "Review",
    "offerId": "VoucherOffer",
    "requestId": "PaymentRequest",
    "savedSearchId": "SavedSearch",
    "endpointId": "WebhookEndpoint",
    "clientId": "ApiClient",
    "connectedAppId": "ConnectedApp",
    "checkId": "TrustCheck",
    "skillId": "Skill",
    "skillIds": "Skill",
    "categoryId": "Category",
    "categoryIds": "Category",
    "notificationIds": "Notification",
    "transferId": "Transfer",
    "assetId": "Asset",
    "assetCategoryId": "AssetCategory",
    "assetCategoryIds": "AssetCategory",
    "ownerOrganisationId": "Organisation",
    "wantedNoticeId": "WantedNotice",
    "giveawayRequestId": "GiveawayRequest",
    "offSiteShareId": "OffSiteShare",
    "bookingId": "Booking",
    "loanId": "Loan",
    "calendarFeedId": "CalendarFeed",
    "impactFactorId": "ImpactFactor",
    "campaignId": "Campaign",
    "pledgeId": "Pledge",
    "inKindPledgeId": "InKindPledge",
    "funderId": "Organisation",
    "orderId": "GroupBuyOrder",
    "trialId": "Trial",
    "firstTrialId": "Trial",
    "secondTrialId": "Trial",
    "trialApplicationId": "TrialApplication",
    "jobId": "PaidJob",
    "jobApplicationId": "JobApplication",
    "employerId": "Organisation",
    "badgeClassId": "BadgeClass",
    "storyId": "SuccessStory",
    "shareId": "GiveawayRequest",
    "caseId": "ModerationCase",
    "actionId": "ModerationAction",
    "linkId": "HubLink",
    "volunteerId": "Member",
    "problemCategoryId": "ProblemCategory",
    "problemReportId": "ProblemReport",
    "ideaId": "Idea",
}
# IDs that must name a particular member for the call to make sense.
MEMBER_IDS = {
    ("unlinkProxy", "coordinatorId"): "coordinator",
    ("unlinkProxy", "memberId"): "other_party",
    ("removeOrganisationMember", "memberId"): "org_staff",
    # Moderators act on the stranger, whom no allowed call of another mutation needs.
    ("suspendMember", "memberId"): "stranger",
    ("reinstateMember", "memberId"): "stranger",
    ("warnMember", "memberId"): "stranger",
    ("payPartnerMember", "payeeId"): "partner_member",
    ("creditPartnerVolunteer", "volunteerId"): "partner_member",
}
# Refusals with a code of their own (beside FORBIDDEN / NOT_FOUND / UNAUTHENTICATED).
OWN_CODES = {
    "verifyHours": {"OWN_HOURS"},
    "disputeHours": {"OWN_HOURS"},
    # Another hub's member names a hub theirs has no link with.
    "payPartnerMember": {"NO_LINK"},
    "creditPartnerVolunteer": {"NO_LINK"},
    "applyToPartnerOpportunity": {"NO_LINK"},
}
# Mutations that would take rows other checks need: they run last in the allowed pass.
LAST = ("removeOrganisationMember", "revokeRole", "unlinkProxy", "suspendMember", "logout")


def holds(rule: Rule, sample: Sample, caller: Caller) -> bool:
    """What the table says: `rule` read through the world's relations of `sample`."""
    if isinstance(rule, AnyOf):
        return any(holds(r, sample, caller) for r in rule.rules)
    if isinstance(rule, AllOf):
        return all(holds(r, sample, caller) for r in rule.rules)
    if isinstance(rule, Through):
        assert rule.relation in sample.related, f"world: {sample.type_name}.{rule.relation}?"
        return holds(rule.rule, sample.related[rule.relation], caller)
    if isinstance(rule, CallerRule):
        return _caller_holds(rule, caller)
    if isinstance(rule, RowState):
        return getattr(sample.row, rule.field) in rule.values
    if isinstance(rule, Unlisted):  # the world hides nothing (tests/moderation hide rows)
        return True
    assert rule.name in sample.relations, f"world: who holds {rule.name!r} to {sample.type_name}?"
    return caller.acts_as in sample.relations[rule.name]


def _caller_holds(rule: CallerRule, caller: Caller) -> bool:
    if rule.name == "anyone":
        return True
    if rule.name in ("signed_in", "signed_in_or_guest"):  # the world has no guest caller
        return caller.signed_in
    return bool(caller.roles & rule.roles)  # type: ignore[attr-defined]


def allowed_to_call(entry: OperationPolicy, caller: Caller) -> bool:
    return _caller_holds(entry.who, caller)  # type: ignore[arg-type]


class Matrix:
    def __init__(self, gql: GraphQLClient, world: World) -> None:
        self.gql = gql
        self.world = world
        self.attempts = 0
        self.failures: list[str] = []

    async def ask(self, caller: Caller, document: str, variables: Any = None) -> dict[str, Any]:
        self.attempts += 1
        return await self.gql.raw(document, variables, headers=caller.headers)

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)

    async def sees(self, caller: Caller, gid: str) -> bool:
        body = await self.ask(caller, "query($id: ID!) { node(id: $id) { id } }", {"id": gid})
        return body["data"]["node"] is not None


@pytest.fixture
async def matrix(gql: GraphQLClient, hub: Any, other_hub: Any) -> Matrix:
    return Matrix(gql, await build_world(hub, other_hub))


def _row_types() -> list[TypePolicy]:
    node = GS.get_type("Node")
    return [
        entry
        for entry in TABLE.types.values()
        if isinstance(entry, TypePolicy)
        and isinstance(gtype := GS.get_type(entry.name), GraphQLObjectType)
        and node in gtype.interfaces
    ]


def _selection(field: GraphQLField) -> str:
    named = get_named_type(field.type)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLObjectType) and "edges" in named.fields:
        return "{ edges { cursor } }"
    return "{ __typename }"


def _relation_selection(field: GraphQLField) -> str | None:
    """A selection that returns the ids of the rows a field gives, if it gives Node rows."""
    named = get_named_type(field.type)
    node = GS.get_type("Node")
    if isinstance(named, GraphQLObjectType) and "edges" in named.fields:
        inner = get_named_type(named.fields["edges"].type).fields["node"]  # type: ignore[union-attr]
        child = get_named_type(inner.type)
        if isinstance(child, GraphQLObjectType) and node in child.interfaces:
            return "{ edges { node { id } } }"
        return None
    if isinstance(named, GraphQLInterfaceType) or (
        isinstance(named, GraphQLObjectType) and node in named.interfaces
    ):
        return "{ id }"
    return None


def _ids(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [i for v in value for i in _ids(v)]
    if "edges" in value:
        return [e["node"]["id"] for e in value["edges"]]
    return [value["id"]]


async def test_every_node_field_and_relation_is_served_as_the_table_says(matrix: Matrix) -> None:
    world = matrix.world
    for entry in _row_types():
        assert entry.name in world.samples, f"world: add a sample of {entry.name}"
        gtype = GS.get_type(entry.name)
        assert isinstance(gtype, GraphQLObjectType)
        for sample in world.samples[entry.name]:
            for caller in world.callers.values():
                await _check_node(matrix, entry, gtype, sample, caller)
    print(f"\nnode matrix: {matrix.attempts} requests, {len(matrix.failures)} failures")
    assert matrix.failures == [], "\n".join(matrix.failures)


async def _check_node(
    matrix: Matrix, entry: TypePolicy, gtype: GraphQLObjectType, sample: Sample, caller: Caller
) -> None:
    where = f"{caller.kind} on {entry.name}:{sample.row.id}"
    row_ok = caller.in_hub and holds(entry.see, sample, caller)
    visible = await matrix.sees(caller, sample.gid)
    matrix.expect(visible == row_ok, f"{where}: sees={visible}, table says {row_ok}")
    if not visible:
        return
    leaves = " ".join(
        name for name in entry.public if _selection(gtype.fields[name]) == "" and name != "id"
    )
    body = await matrix.ask(
        caller,
        f"query($id: ID!) {{ node(id: $id) {{ ... on {entry.name} {{ {leaves} }} }} }}",
        {"id": sample.gid},
    )
    matrix.expect("errors" not in body, f"{where}: public fields gave {body.get('errors')}")
    for name, rule in entry.fields.items():
        expected = holds(rule, sample, caller)
        served = await _served(matrix, caller, entry, gtype.fields[name], name, sample)
        matrix.expect(served == expected, f"{where}.{name}: served={served}, table says {expected}")
    for name, field in gtype.fields.items():
        selection = _relation_selection(field)
        if selection is not None and (
            name not in entry.fields or holds(entry.fields[name], sample, caller)
        ):
            await _check_relation(matrix, caller, entry.name, name, selection, sample, where)


async def _served(
    matrix: Matrix,
    caller: Caller,
    entry: TypePolicy,
    field: GraphQLField,
    name: str,
    sample: Sample,
) -> bool:
    document = (
        f"query($id: ID!) {{ node(id: $id) {{ ... on {entry.name} "
        f"{{ {name} {_selection(field)} }} }} }}"
    )
    body = await matrix.ask(caller, document, {"id": sample.gid})
    node = body["data"]["node"]
    if body.get("errors") or node is None:
        return False
    value = node[name]
    return value is not None and (name not in entry.masks or value != entry.masks[name])


async def _check_relation(
    matrix: Matrix,
    caller: Caller,
    type_name: str,
    name: str,
    selection: str,
    sample: Sample,
    where: str,
) -> None:
    document = (
        f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ {name} {selection} }} }} }}"
    )
    body = await matrix.ask(caller, document, {"id": sample.gid})
    node = body["data"]["node"] if body.get("data") else None
    for gid in _ids(node[name]) if node else []:
        # a relation never shows a row that node(id:) refuses this caller
        matrix.expect(await matrix.sees(caller, gid), f"{where}.{name} leaked {gid}")


async def test_every_list_answers_only_its_callers(matrix: Matrix) -> None:
    world = matrix.world
    for name, field in QUERY.fields.items():
        entry = TABLE.queries[name]
        for caller in world.callers.values():
            await _check_list(matrix, name, field, entry, caller)
    print(f"\nlist matrix: {matrix.attempts} requests, {len(matrix.failures)} failures")
    assert matrix.failures == [], "\n".join(matrix.failures)


async def _check_list(
    matrix: Matrix, name: str, field: GraphQLField, entry: OperationPolicy, caller: Caller
) -> None:
    args = _arguments(field.args, matrix.world)
    selection = _relation_selection(field) or _selection(field)
    body = await matrix.ask(caller, f"{{ {name}{args} {selection} }}")
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    where = f"{caller.kind} on {name}"
    if not allowed_to_call(entry, caller):
        wanted = "FORBIDDEN" if caller.signed_in else "UNAUTHENTICATED"
        matrix.expect(codes == {wanted}, f"{where}: got {codes or 'data'}, table says {wanted}")
        return
    parties = entry.parties  # a read of one row (by its ID or code): who may read that row
    if parties is not None and not (
        caller.in_hub and holds(parties.rule, matrix.world.sample(parties.type_name), caller)
    ):
        refusals = DENIED | READ_REFUSALS
        ok = bool(codes) and codes <= refusals and (body.get("data") or {}).get(name) is None
        matrix.expect(ok, f"{where}: got {codes or 'data'}, table refuses the row")
        return
    refused = codes & (DENIED | READ_REFUSALS)
    matrix.expect(not refused, f"{where}: refused with {codes}, table allows it")
    value = (body.get("data") or {}).get(name)
    if _relation_selection(field) and value is not None:
        for gid in _ids(value):
            matrix.expect(await matrix.sees(caller, gid), f"{where} leaked {gid}")


def _arguments(
    args: dict[str, Any], world: World, operation: str = "", *, required_only: bool = True
) -> str:
    given = [
        f"{name}: {_literal(arg.type, name, world, operation)}"
        for name, arg in args.items()
        if is_non_null_type(arg.type) or not required_only or name == "memberId"
    ]
    return f"({', '.join(given)})" if given else ""


def _literal(gtype: Any, name: str, world: World, operation: str) -> str:
    inner = get_nullable_type(gtype)
    if is_list_type(inner):
        return f"[{_literal(inner.of_type, name, world, operation)}]"
    if isinstance(inner, GraphQLInputObjectType):
        fields = [
            f"{n}: {_literal(f.type, n, world, operation)}"
            for n, f in inner.fields.items()
            if is_non_null_type(f.type) and f.default_value is Undefined
        ]
        return "{" + ", ".join(fields) + "}"
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    assert isinstance(inner, GraphQLScalarType)
    if (operation, name) in MEMBER_IDS:
        return f'"{world.people[MEMBER_IDS[operation, name]].gid}"'
    return _scalar(inner.name, name, world)


def _scalar(scalar: str, name: str, world: World) -> str:
    if scalar == "ID":
        assert name in ID_TYPES, f"test: which type does the ID {name!r} name?"
        return f'"{world.sample(ID_TYPES[name]).gid}"'
    named = {
        "hubSlug": world.hub.slug,
        "slug": "corner-shop",
        "email": "matrix@example.org",
        "password": "a sturdy passphrase 42",
        "newPassword": "a sturdy passphrase 43",
        "url": "https://example.org/hook",
        "idempotencyKey": uuid.uuid4().hex,
        "code": world.sample("Voucher").row.code,
        "partnerHubSlug": world.sample("HubLink").row.partner_slug,
    }
    if name in named:
        return f'"{named[name]}"'
    if scalar == "String":
        return '"matrix test"'
    if scalar == "Int":
        return "1"
    if scalar == "Float":
        return "1.0"
    if scalar == "Boolean":
        return "false"
    if scalar == "DateTime":
        return f'"{(datetime.now(UTC) + timedelta(days=1)).isoformat()}"'
    if scalar == "Date":
        return f'"{date.today().isoformat()}"'
    raise AssertionError(f"test: no value for scalar {scalar} ({name})")


async def test_every_mutation_refuses_exactly_whom_the_table_refuses(matrix: Matrix) -> None:
    world = matrix.world
    mutations = sorted(MUTATION.fields.items(), key=lambda kv: kv[0] in LAST)
    allowed: list[tuple[str, GraphQLField, Caller]] = []
    for name, field in mutations:
        entry = TABLE.mutations[name]
        callers = [c for c in world.callers.values() if not _may(entry, field, c, world)]
        for caller in callers:  # refusals change nothing, so they all run first
            await _check_mutation(matrix, name, field, caller, refused=True)
        first = next((c for c in _preferred(world) if _may(entry, field, c, world)), None)
        assert first is not None, f"world: nobody may call {name}"
        allowed.append((name, field, first))
    for name, field, caller in allowed:
        await _check_mutation(matrix, name, field, caller, refused=False)
    print(f"\nmutation matrix: {matrix.attempts} requests, {len(matrix.failures)} failures")
    assert matrix.failures == [], "\n".join(matrix.failures)


def _preferred(world: World) -> Iterable[Caller]:
    order = ("owner", "other_party", "org_owner", "org_staff", "hub_admin", "moderator")
    return [world.callers[k] for k in order] + list(world.callers.values())


def _may(entry: OperationPolicy, field: GraphQLField, caller: Caller, world: World) -> bool:
    if not allowed_to_call(entry, caller):
        return False
    if not caller.in_hub:  # its ids are all of this hub
        return not _takes_ids(field)
    if entry.parties is None:
        return True
    return holds(entry.parties.rule, world.sample(entry.parties.type_name), caller)


def _takes_ids(field: GraphQLField) -> bool:
    def has_id(gtype: Any) -> bool:
        inner = get_named_type(gtype)
        if isinstance(inner, GraphQLInputObjectType):
            return any(
                has_id(f.type)
                for f in inner.fields.values()
                if is_non_null_type(f.type) and f.default_value is Undefined
            )
        return inner.name == "ID"

    return any(has_id(a.type) for a in field.args.values())


async def _check_mutation(
    matrix: Matrix, name: str, field: GraphQLField, caller: Caller, *, refused: bool
) -> None:
    payload = get_named_type(field.type)
    assert isinstance(payload, GraphQLObjectType)
    errors = "errors { code }" if "errors" in payload.fields else ""
    args = _arguments(field.args, matrix.world, name)
    document = f"mutation {{ {name}{args} {{ __typename {errors} }} }}"
    body = await matrix.ask(caller, document)
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    data = (body.get("data") or {}).get(name) or {}
    codes |= {e["code"] for e in data.get("errors") or []}
    where = f"{caller.kind} on {name}"
    if refused:
        # Another hub's IDs are not valid input where this caller lives.
        refusals = (
            DENIED | OWN_CODES.get(name, set()) | ({"INVALID"} if not caller.in_hub else set())
        )
        matrix.expect(bool(codes & refusals), f"{where}: got {codes or 'success'}, table refuses")
    else:
        matrix.expect(not codes & DENIED, f"{where}: refused with {codes}, table allows it")


def _viewer(world: World, caller: Caller) -> Viewer:
    if not caller.signed_in:
        return Viewer.of(None, world.hub.id)
    person = world.people["other_party" if caller.kind == "acting_for_other" else caller.kind]
    return Viewer.of(Actor(member=person.member, roles=caller.roles))


async def test_the_sql_form_of_every_rule_agrees_with_its_python_form(matrix: Matrix) -> None:
    # Lists filter with a rule's Q; rows already loaded are checked in Python: the same rows.
    world = matrix.world
    compared = 0
    for entry in [e for e in TABLE.types.values() if isinstance(e, TypePolicy) and e.model]:
        for sample in world.samples.get(entry.name, []):
            for caller in (c for c in world.callers.values() if c.in_hub):
                viewer = _viewer(world, caller)
                for rule in (entry.see, *entry.fields.values()):
                    in_python = await rule.allows(viewer, sample.row)
                    assert entry.model is not None
                    query = entry.model.filter(id=sample.row.id).filter(await rule.q(viewer))
                    in_sql = await query.exists()
                    compared += 1
                    matrix.expect(
                        in_python == in_sql,
                        f"{caller.kind} on {entry.name} {rule}: python {in_python}, sql {in_sql}",
                    )
    print(f"\nrule forms: {compared} comparisons, {len(matrix.failures)} failures")
    assert matrix.failures == [], "\n".join(matrix.failures)
