"""Every deprecation names what to use instead and the date the member is removed."""

from datetime import date

from graphql import build_schema

from schema.stability.deprecations import removal_date, undated_deprecations


def test_every_deprecation_in_the_schema_has_a_removal_date() -> None:
    from schema import schema

    assert undated_deprecations(schema._schema) == []


def test_an_undated_deprecation_is_found() -> None:
    # given a field, an argument and an enum value deprecated; one of them dated
    sdl = """
    type Query {
      a: Int @deprecated(reason: "Use b. Removal: 2027-01-31.")
      b(old: Int @deprecated(reason: "Use new.")): Int
      c: Colour
    }
    enum Colour { RED GREEN @deprecated(reason: "Use RED. Removal: 2027-02-30.") }
    """
    # when
    undated = undated_deprecations(build_schema(sdl))
    # then: the argument has no date and 30 February is no date
    assert undated == [
        "Query.b(old): 'Use new.'",
        "Colour.GREEN: 'Use RED. Removal: 2027-02-30.'",
    ]


def test_removal_date_reads_the_end_of_the_reason() -> None:
    assert removal_date("Use privacyK. Removal: 2027-06-01.") == date(2027, 6, 1)
    assert removal_date("Removal: 2027-06-01, maybe later") is None
