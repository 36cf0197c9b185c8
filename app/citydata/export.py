"""Any city data answer as CSV (with its data dictionary) or as dashboard-ready JSON.

The CSV is RFC 4180 (comma, CRLF, UTF-8), one row per answer row with the columns of
`metrics.COLUMNS`; the data dictionary is a second CSV describing the columns and the metrics
(`dictionary_csv`). The JSON puts the question, k, the refresh time, the dictionary and the rows
in one document that charting tools read as is (a flat "long" table of records).
"""

import csv
import io
from typing import Any

import orjson

from app.citydata.aggregates import Answer, Row
from app.citydata.metrics import COLUMNS, DICTIONARY, STOCK_PERIOD

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # cells a spreadsheet would run as formulas


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text  # CSV injection: shown as text, never evaluated
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def record(row: Row) -> dict[str, Any]:
    return {
        "metric": row.metric.value,
        "area": row.area,
        "period": row.period.isoformat() if row.period else STOCK_PERIOD,
        "dimension": row.dimension,
        "count": row.count,
        "amount": row.amount,
        "mean": None if row.mean is None else round(row.mean, 3),
        "suppressed": row.suppressed,
        "withheld_cells": row.withheld_cells,
    }


def answer_csv(answer: Answer) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in answer.rows:
        rec = record(row)
        writer.writerow([_cell(rec[name]) for name, _ in COLUMNS])
    return out.getvalue()


def dictionary_rows() -> list[dict[str, str]]:
    rows = [{"kind": "column", "name": name, "meaning": meaning} for name, meaning in COLUMNS]
    for info in DICTIONARY.values():
        rows.append(
            {
                "kind": "metric",
                "name": info.metric.value,
                "meaning": f"{info.meaning} Side: {info.side.value}. count: {info.count}."
                f" amount: {info.amount or 'always 0'}. dimension: {info.dimension}."
                f" area: {info.area}. k counts distinct {info.people}."
                + (" Stock: counted at the refresh (period 'now')." if info.stock else ""),
            }
        )
    return rows


def dictionary_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["kind", "name", "meaning"])
    for row in dictionary_rows():
        writer.writerow([_cell(row["kind"]), _cell(row["name"]), _cell(row["meaning"])])
    return out.getvalue()


def dashboard(answer: Answer) -> dict[str, Any]:
    """The dashboard document (built once per answer: answers are cached)."""
    if "dashboard" not in answer.memo:
        answer.memo["dashboard"] = _dashboard(answer)
    return answer.memo["dashboard"]  # type: ignore[no-any-return]


def question(answer: Answer) -> dict[str, Any]:
    ask = answer.ask
    return {
        "metrics": [m.value for m in ask.metrics],
        "areaBy": ask.area_by.value,
        "resolution": ask.resolution,
        "areas": list(ask.areas),
        "period": ask.window.period.value,
        "firstWeek": ask.window.first.isoformat(),
        "lastWeek": ask.window.last.isoformat(),
        "byDimension": ask.by_dimension,
    }


def dashboard_encoded(answer: Answer) -> bytes:
    """The dashboard document as JSON, made once per answer."""
    if "dashboard_json" not in answer.memo:
        answer.memo["dashboard_json"] = orjson.dumps(dashboard(answer))
    return answer.memo["dashboard_json"]  # type: ignore[no-any-return]


def _dashboard(answer: Answer) -> dict[str, Any]:
    return {
        "question": question(answer),
        "k": answer.k,
        "refreshedAt": answer.refreshed_at.isoformat() if answer.refreshed_at else None,
        "suppressedRows": answer.suppressed_rows,
        "dictionary": dictionary_rows(),
        "rows": [record(r) for r in answer.rows],
    }
