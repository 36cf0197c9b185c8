"""schema/cost.request_cost remembers a parsed document's cost unless a variable sets a page."""

from graphql import parse

from schema import cost

FIXED = "mutation Pay($input: PayMemberInput!) { payMember(input: $input) { errors { code } } }"
PAGED = "query List($first: Int) { opportunities(first: $first) { edges { node { id } } } }"


def test_a_documents_cost_is_walked_once_unless_a_variable_sets_a_page_size() -> None:
    # given a parsed mutation and a list whose page size is a variable
    fixed, paged = parse(FIXED), parse(PAGED)
    cost._costs.clear()

    # when each is costed twice
    first = cost.request_cost(fixed, "Pay", {"input": {}}, default_page_size=100)
    again = cost.request_cost(fixed, "Pay", {"input": {"x": 1}}, default_page_size=100)
    small = cost.request_cost(paged, None, {"first": 2}, default_page_size=100)
    large = cost.request_cost(paged, None, {"first": 50}, default_page_size=100)

    # then the mutation's cost was remembered, the list's follows its variable each time
    assert first == again == 3
    assert list(cost._costs) == [(id(fixed), "Pay", 100)]
    assert (small, large) == (1 + 2 * (1 + 1 + 1), 1 + 50 * (1 + 1 + 1))
    # and another page size default is another entry, an unknown document is costed anew
    assert cost.request_cost(fixed, "Pay", None, default_page_size=20) == 3
    assert cost.request_cost(parse(FIXED), "Pay", None, default_page_size=100) == 3
    assert len(cost._costs) == 3
