"""Turning SQL aggregates into the numbers a dimension reports: the 95 % confidence interval
of the mean (Student's t) and the net score."""

import math
from dataclasses import dataclass

# Two-sided 95 % critical values of Student's t by degrees of freedom (then 1.96 beyond 120).
_T95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip


def t95(df: int) -> float:
    """The critical value for `df` degrees of freedom (the next tabled df down: conservative)."""
    if df >= 1000:
        return 1.96
    return _T95[max(d for d in _T95 if d <= df)]


@dataclass(frozen=True)
class Dimension:
    index: int
    name: str
    count: int
    mean: float
    median: float
    stddev: float | None  # None with one rating
    ci_low: float | None
    ci_high: float | None
    distribution: list[int]  # how many 1s, 2s, 3s, 4s and 5s
    net_score: float  # % rating 4-5 minus % rating 1-2, from -100 to 100


def dimension(
    *, index: int, name: str, count: int, mean: float, median: float, stddev: float | None,
    distribution: list[int],
) -> Dimension:  # fmt: skip
    low = high = None
    if stddev is not None and count > 1:
        half = t95(count - 1) * stddev / math.sqrt(count)
        low, high = mean - half, mean + half
    promoters, detractors = distribution[3] + distribution[4], distribution[0] + distribution[1]
    return Dimension(
        index=index,
        name=name,
        count=count,
        mean=mean,
        median=median,
        stddev=stddev,
        ci_low=low,
        ci_high=high,
        distribution=distribution,
        net_score=round(100 * (promoters - detractors) / count, 1),
    )
