"""City data (issue 23): demand from civic voice and the environmental layer.

The base cells (`citydata_cell`) gain problem reports (by category; time to fix), ideas and
their supports, and the sensors' readings (by measurement, from the hourly aggregate
`sensor_hourly`, with the distinct owners of the devices behind each cell and week as its
people): every number passes through the same k-suppression as the rest (`citydata_grid`,
unchanged from 0032, is recreated over the new cells).
"""

import importlib

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration


def _previous(module: str, name: str) -> str:
    return str(getattr(importlib.import_module(f"migrations.{module}"), name))


_FACTS_END = "\n)\nSELECT f.hub_id, f.metric,"
_CIVIC_FACTS = """
    UNION ALL
    SELECT r.hub_id, 'problems_reported', r.cell7, r.created_at, pc.slug, r.reporter_id, r.id,
           r.me_too_count::bigint
      FROM problem_report r
      JOIN problem_category pc ON pc.id = r.category_id AND pc.hub_id = r.hub_id
    UNION ALL
    SELECT r.hub_id, 'problems_fixed', r.cell7, r.created_at, pc.slug, r.reporter_id, r.id,
           greatest(0, floor(extract(epoch FROM r.fixed_at - r.created_at) / 60))::bigint
      FROM problem_report r
      JOIN problem_category pc ON pc.id = r.category_id AND pc.hub_id = r.hub_id
     WHERE r.fixed_at IS NOT NULL
    UNION ALL
    SELECT i.hub_id, 'ideas_posted', i.cell7, i.created_at, coalesce(i.outcome, 'unanswered'),
           i.author_id, i.id, i.support_count::bigint
      FROM idea i
    UNION ALL
    SELECT s.hub_id, 'idea_supports', i.cell7, s.created_at, '', s.member_id, s.id, 0
      FROM idea_support s JOIN idea i ON i.id = s.idea_id AND i.hub_id = s.hub_id"""
_CELLS_END = "\nWITH DATA;\nCREATE UNIQUE INDEX citydata_cell_key"
_ENVIRONMENT = """
UNION ALL
SELECT e.hub_id, 'environment', e.cell7, e.week, e.measure, e.n, e.amount,
       coalesce(o.owners, 0)::int
  FROM (
    SELECT sh.hub_id, sh.cell7, date_trunc('week', sh.hour AT TIME ZONE h.timezone)::date AS week,
           m.measure, sum(m.n)::bigint AS n, round(sum(m.s) * 10)::bigint AS amount
      FROM sensor_hourly sh JOIN hub h ON h.id = sh.hub_id
     CROSS JOIN LATERAL (VALUES
         ('noise_db', sh.n_noise, sh.sum_noise), ('pm25', sh.n_pm25, sh.sum_pm25),
         ('pm10', sh.n_pm10, sh.sum_pm10), ('temperature', sh.n_temperature, sh.sum_temperature),
         ('humidity', sh.n_humidity, sh.sum_humidity)) m(measure, n, s)
     WHERE m.n > 0
     GROUP BY 1, 2, 3, 4
  ) e
  LEFT JOIN (
    SELECT dh.hub_id, dh.cell7, date_trunc('week', dh.hour AT TIME ZONE h.timezone)::date AS week,
           count(DISTINCT coalesce('o' || d.organisation_id, 'm' || d.owner_id)) AS owners
      FROM sensor_device_hour dh
      JOIN hub h ON h.id = dh.hub_id
      JOIN sensor_device d ON d.id = dh.device_id
     GROUP BY 1, 2, 3
  ) o ON (o.hub_id, o.cell7, o.week) = (e.hub_id, e.cell7, e.week)"""


def _cells() -> str:
    sql = _previous("0032_citydata_grid_rollup", "CELLS_SQL")
    assert sql.count(_FACTS_END) == 1 and sql.count(_CELLS_END) == 1
    sql = sql.replace(_FACTS_END, _CIVIC_FACTS + _FACTS_END)
    return sql.replace(_CELLS_END, _ENVIRONMENT + _CELLS_END)


CELLS_SQL = _cells()
GRID_SQL = _previous("0032_citydata_grid_rollup", "GRID_SQL")


class Migration(BaseMigration):
    dependencies = [("models", "0044_civic_sensors")]

    initial = False

    operations = [
        ops.RunSQL(
            sql="DROP MATERIALIZED VIEW citydata_grid; DROP MATERIALIZED VIEW citydata_cell;"
            + CELLS_SQL
            + GRID_SQL,
            reverse_sql="DROP MATERIALIZED VIEW citydata_grid; DROP MATERIALIZED VIEW"
            " citydata_cell;"
            + _previous("0032_citydata_grid_rollup", "CELLS_SQL")
            + GRID_SQL,
        ),
    ]
