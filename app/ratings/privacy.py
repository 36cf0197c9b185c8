"""k-anonymity of the ratings queries, and the defence against differencing.

1. Results are read once a trial is closed: its reports are frozen, so two reads at different
   times cannot be subtracted to isolate the reports that arrived (or changed) in between.
2. Slices have fixed, non-overlapping boundaries only: H3 cells at the hub's one resolution,
   the fixed age bands of app/trials/reports.AGE_BANDS, ISO weeks (Monday, UTC) of the first
   submission. No free filters.
3. A slice group of fewer than k testers (the hub's one privacy threshold, app/privacy.py)
   is suppressed (its numbers withheld, the response says
   so). Then, because the whole trial is also readable, the suppressed groups together must
   hold at least k testers, or "total minus the groups shown" would reveal them: `suppress`
   hides the next smallest groups until they do (complementary suppression).
4. A period (a run of whole weeks) is answered only when it holds none or all of the weeks the
   week slicing suppresses (`period_allowed`): then every difference between two answers (two
   periods, a period and the whole trial) is a union of shown weeks (each >= k) and perhaps all
   the suppressed ones (>= k together).
5. Across a business's trials, only trials with at least k testers count, so "all trials minus
   this trial" is never a trial that is itself suppressed.
"""

from collections.abc import Collection

from app.privacy import k_of as k_of  # the one rule of every aggregate
from app.privacy import suppress as suppress


def period_allowed(weeks: Collection[str], hidden: Collection[str]) -> bool:
    """A period of `weeks` holds none or all of the `hidden` weeks."""
    inside = set(weeks) & set(hidden)
    return not inside or inside == set(hidden)
