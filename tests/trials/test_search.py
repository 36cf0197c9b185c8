"""Members find the trials they qualify for where they look: their trial feed (trialsForMe)
and a search over it by text, distance, skill and interest, never a trial they do not
qualify for; bad filters are typed errors; statements per request do not grow with the page."""

from datetime import date
from typing import Any

import pytest

from app.errors import DomainError
from app.people.models import Member, MemberSkill, Skill
from app.trials import lists
from app.trials.errors import TrialErrorCode as E
from app.trials.lists import TrialSearch
from tests.helpers import count_sql
from tests.trials.conftest import MANCHESTER, actor_of, member

LEEDS = (53.8008, -1.5491)
SEARCH = """
query Search($first: Int!, $search: TrialSearchInput) {
  trialsForMe(first: $first, search: $search) {
    edges { node { id title placesTaken business { name } } }
  }
}"""


async def _titles(actor: Any, search: TrialSearch | None = None) -> list[str]:
    return [t.title for t in await lists.for_member(actor=actor, search=search)]


async def test_search_finds_only_trials_the_member_qualifies_for(hub: Any, open_trial: Any) -> None:
    # given: a baker in Manchester with the barista skill; trials by text, place, skill and
    # interest, and one in her town she does not qualify for (over-65s only)
    skill = await Skill.create(hub_id=hub.id, slug="barista", name="Barista")
    other = await Skill.create(hub_id=hub.id, slug="plumber", name="Plumber")
    baker = await member(hub, interests=["baking"], born=date(1990, 6, 1))
    await MemberSkill.create(hub_id=hub.id, member_id=baker.id, skill_id=skill.id)
    await open_trial(title="Oat milk taste test", near=MANCHESTER, within_km=10)
    await open_trial(
        title="Coffee grinder", product="Grinder", near=LEEDS, within_km=100, skill_ids=[skill.id]
    )
    await open_trial(title="Bread flour", product="Flour", interests=["baking"])
    await open_trial(title="Oat milk for seniors", near=MANCHESTER, within_km=10, min_age=65)
    me = actor_of(baker)
    # when / then: the feed holds the three she qualifies for, not the seniors' trial
    assert sorted(await _titles(me)) == ["Bread flour", "Coffee grinder", "Oat milk taste test"]
    # text matches title, product or description, case-insensitively
    assert await _titles(me, TrialSearch(text="OAT MILK")) == ["Oat milk taste test"]
    # distance: only trials placed within the radius of the given point
    assert await _titles(me, TrialSearch(near=MANCHESTER, within_km=5)) == ["Oat milk taste test"]
    assert await _titles(me, TrialSearch(near=LEEDS, within_km=5)) == ["Coffee grinder"]
    # skill and interest
    assert await _titles(me, TrialSearch(skill_ids=[skill.id])) == ["Coffee grinder"]
    assert await _titles(me, TrialSearch(skill_ids=[other.id])) == []
    assert await _titles(me, TrialSearch(interests=[" Baking "])) == ["Bread flour"]
    # filters combine: every one must match
    assert await _titles(me, TrialSearch(text="oat", skill_ids=[skill.id])) == []


@pytest.mark.parametrize(
    ("search", "field"),
    [
        (TrialSearch(near=MANCHESTER), "withinKm"),
        (TrialSearch(within_km=5), "withinKm"),
        (TrialSearch(near=MANCHESTER, within_km=500), "withinKm"),
        (TrialSearch(near=(91.0, 0.0), within_km=5), "near"),
        (TrialSearch(text="x" * 201), "text"),
        (TrialSearch(interests=["a\x00b"]), "interests"),
        (TrialSearch(skill_ids=list(range(21))), "skillIds"),
    ],
)
async def test_bad_search_filters_are_typed_errors(
    hub: Any, search: TrialSearch, field: str
) -> None:
    # given: a member
    me = actor_of(await member(hub))
    # when: a bad filter
    with pytest.raises(DomainError) as caught:
        await _titles(me, search)
    # then: INVALID on the filter's field
    assert (caught.value.code, caught.value.field) == (E.INVALID, field)


async def test_search_over_http_statements_do_not_grow_with_the_page(
    gql: Any, hub: Any, make_person: Any, business: Any
) -> None:
    # given: 22 recruiting trials near Manchester, 3 far away, and a member in Manchester
    from app.trials import service
    from app.trials.models import TrialStatus
    from tests.trials.conftest import trial_input

    owner, org = business
    for i in range(25):
        where = MANCHESTER if i < 22 else LEEDS
        trial = await service.create_trial(
            actor=actor_of(owner),
            given=trial_input(org, title=f"Oat drink {i}", near=where, within_km=100),
        )
        await service.move_trial(
            actor=actor_of(owner), trial_id=trial.id, to=TrialStatus.RECRUITING
        )
    seeker = await make_person(display_name="Seeker")
    await Member.filter(id=seeker.member.id).update(home_lat=MANCHESTER[0], home_lng=MANCHESTER[1])
    search = {"text": "oat", "near": {"lat": MANCHESTER[0], "lng": MANCHESTER[1]}, "withinKm": 10}
    counts, sizes = [], []
    for first in (2, 20):
        # when: the search at two page sizes
        with count_sql() as counter:
            data = await gql(SEARCH, {"first": first, "search": search}, as_=seeker)
        counts.append(len(counter.statements))
        sizes.append(len(data["trialsForMe"]["edges"]))
    # then: the same statements for 2 rows and for 20
    assert sizes == [2, 20]
    assert counts[0] == counts[1], counts
    # when: a bad filter over HTTP
    body = await gql.raw(SEARCH, {"first": 2, "search": {"withinKm": 5}}, as_=seeker)
    # then: a typed error naming the field, no data
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    assert body["errors"][0]["extensions"].get("field") == "withinKm"
