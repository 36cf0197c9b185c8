"""An answer as one compact, wide JSON table, encoded once per answer (issue 18's analyst query).

The long shapes (`rows`, the dashboard's records) repeat the metric, area, period and
dimension in every record: for demand against supply by resolution-7 cell and month over a
year of the Do-it-sized hub that is 13,000 records and 2.2 MB, which a client needs ~50 ms of
CPU only to parse. The table puts one record per area, period and dimension value, with every
metric side by side (what "demand against supply" compares), and names areas, periods and
dimension values once:

    {"metrics": ["requests_posted", "offers_posted"],
     "areas": ["871f1d489ffffff", ...], "periods": ["now", "2026-03-01", ...],
     "dimensions": ["all"],
     "columns": ["area", "period", "dimension", "count:requests_posted", "count:offers_posted",
                 "amount:requests_posted", ..., "withheld_cells:offers_posted"],
     "rows": [[0, 1, 0, 7, 3, 0, 0, 0, 1], ...]}

`area`, `period` and `dimension` are indexes into their lists; then each metric's count, amount
and withheld base cells, in the order of `metrics`. A metric with no base cell there is 0, 0, 0;
a suppressed one (every base cell under k) has count and amount null: the same numbers as the
long shapes (tests/citydata/test_api.py turns the table back into `rows`). The bytes are made
once per answer and served as they are (answers are cached until the next refresh).
"""

from typing import Any

import orjson

from app.citydata.aggregates import Answer
from app.citydata.export import question
from app.citydata.metrics import STOCK_PERIOD

COLUMNS = ("count", "amount", "withheld_cells")


def table(answer: Answer) -> dict[str, Any]:
    metrics = [m.value for m in answer.ask.metrics]
    place = {m: i for i, m in enumerate(answer.ask.metrics)}
    width = len(metrics)
    records: dict[tuple[str, str, str], list[int | None]] = {}
    for row in answer.rows:
        period = row.period.isoformat() if row.period else STOCK_PERIOD
        record = records.get((row.area, period, row.dimension))
        if record is None:
            record = records[(row.area, period, row.dimension)] = [0] * (3 * width)
        at = place[row.metric]
        record[at], record[width + at] = row.count, row.amount
        record[2 * width + at] = row.withheld_cells
    areas = sorted({a for a, _, _ in records})
    periods = sorted({p for _, p, _ in records}, key=lambda p: (p != STOCK_PERIOD, p))
    dimensions = sorted({d for _, _, d in records})
    index_area = {a: i for i, a in enumerate(areas)}
    index_period = {p: i for i, p in enumerate(periods)}
    index_dimension = {d: i for i, d in enumerate(dimensions)}
    rows = [
        [index_area[a], index_period[p], index_dimension[d], *record]
        for (a, p, d), record in sorted(
            records.items(), key=lambda kv: (kv[0][0], index_period[kv[0][1]], kv[0][2])
        )
    ]
    return {
        "question": question(answer),
        "k": answer.k,
        "refreshedAt": answer.refreshed_at.isoformat() if answer.refreshed_at else None,
        "suppressedRows": answer.suppressed_rows,
        "metrics": metrics,
        "areas": areas,
        "periods": periods,
        "dimensions": dimensions,
        "columns": ["area", "period", "dimension"]
        + [f"{column}:{m}" for column in COLUMNS for m in metrics],
        "rows": rows,
    }


def encoded(answer: Answer) -> bytes:
    """The table as JSON, made once per answer."""
    if "table" not in answer.memo:
        answer.memo["table"] = orjson.dumps(table(answer))
    return answer.memo["table"]  # type: ignore[no-any-return]
