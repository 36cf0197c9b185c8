"""The one k-suppression rule of the hub's aggregates (city data, trials' ratings).

A hub sets its privacy threshold k (`Hub.privacy_k`, default 10): any number an aggregate
serves must come from groups of at least k distinct people. Every aggregate asks this module:

- `k_of(hub)`: the hub's k;
- `shown(people, k)`: whether a group of `people` distinct people may be shown;
- `suppress(groups, k)`: the groups to withhold when a whole is also served (complementary
  suppression: the withheld must hold at least k together, or "whole minus shown" gives them
  away);
- `SHOWN_SQL`: the same test as a SQL predicate, for aggregates computed in PostgreSQL.
"""

from collections.abc import Mapping
from typing import Protocol

DEFAULT_K = 10
MIN_K = 5  # a hub cannot lower its threshold below this
MAX_K = 1000


class HasK(Protocol):
    privacy_k: int


def k_of(hub: HasK) -> int:
    """The hub's privacy threshold (`updateHub` keeps it within MIN_K..MAX_K)."""
    return int(hub.privacy_k)


def shown(people: int, k: int) -> bool:
    """A group of `people` distinct people may be shown."""
    return people >= k


# `people` is the distinct-people count of a group; the parameter is k.
SHOWN_SQL = "{people} >= {k}"


def suppress(groups: Mapping[str, int], k: int) -> set[str]:
    """The groups to withhold: those under k, then the smallest others until the withheld
    hold at least k people together (or all are withheld)."""
    hidden = {g for g, n in groups.items() if not shown(n, k)}
    if not hidden:
        return hidden
    visible = sorted((g for g in groups if g not in hidden), key=lambda g: (groups[g], g))
    while sum(groups[g] for g in hidden) < k and visible:
        hidden.add(visible.pop(0))
    return hidden
