"""City data (issue 18): cheaper refreshes. The base cells (`citydata_cell`) look the
requests' skills up once (below); the precomputed answers (`citydata_grid`) are rolled up
level by level.

0026 placed every base cell at all five levels, in both period kinds and with and without its
dimension value (20 rows per cell) and grouped them all at once: at the Do-it-sized hub, 13
million rows grouped on every refresh. The numbers of an answer are sums (of the counts and
amounts of shown cells, and of the withheld cells), so each level is the sum of the one below
it: resolution 7 from the cells (a week of resolution 7 is the cell itself), 6 from 7, 5 from
6, 4 from 5, the hub from 4 (and the cells with no place), each without its dimension value
from the same level with it. The same rows and numbers as 0026's view (a withheld cell is
still in no sum: `n` and `amount` are null for it from the start); much less to group.
"""

import importlib

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

_LEVEL = """
    SELECT hub_id, k, metric, ch_h3_parent(area, {res}) AS area, kind, period, dim,
           sum(n) AS n, sum(amount) AS amount, sum(withheld) AS withheld
      FROM {below} GROUP BY 1, 2, 3, 4, 5, 6, 7"""

# A base cell counts when at least k distinct people are behind it (app/privacy.py, SHOWN_SQL).
GRID_SQL = f"""
CREATE MATERIALIZED VIEW citydata_grid AS
WITH b AS MATERIALIZED (
    SELECT c.hub_id, h.privacy_k AS k, c.metric, c.cell, c.week, c.dim,
           CASE WHEN c.people >= h.privacy_k THEN c.n END AS n,
           CASE WHEN c.people >= h.privacy_k THEN c.amount END AS amount,
           CASE WHEN c.people >= h.privacy_k THEN 0 ELSE 1 END AS withheld,
           CASE WHEN c.week = DATE '1970-01-05' THEN c.week
                ELSE date_trunc('month', c.week)::date END AS month
      FROM citydata_cell c JOIN hub h ON h.id = c.hub_id
), l7 AS MATERIALIZED (
    SELECT hub_id, k, metric, cell AS area, 'week' AS kind, week AS period, dim,
           n::numeric AS n, amount::numeric AS amount, withheld::bigint AS withheld
      FROM b
    UNION ALL
    SELECT hub_id, k, metric, cell, 'month', month, dim, sum(n), sum(amount), sum(withheld)
      FROM b GROUP BY 1, 2, 3, 4, 6, 7
), l6 AS MATERIALIZED ({_LEVEL.format(res=6, below="l7 WHERE area <> ''")}
), l5 AS MATERIALIZED ({_LEVEL.format(res=5, below="l6")}
), l4 AS MATERIALIZED ({_LEVEL.format(res=4, below="l5")}
), l0 AS (
    SELECT hub_id, k, metric, 'hub' AS area, kind, period, dim,
           sum(n) AS n, sum(amount) AS amount, sum(withheld) AS withheld
      FROM (SELECT * FROM l4 UNION ALL SELECT * FROM l7 WHERE area = '') s
     GROUP BY 1, 2, 3, 4, 5, 6, 7
), levels AS MATERIALIZED (
    SELECT 7 AS level, * FROM l7 WHERE area <> ''
    UNION ALL SELECT 6, * FROM l6
    UNION ALL SELECT 5, * FROM l5
    UNION ALL SELECT 4, * FROM l4
    UNION ALL SELECT 0, * FROM l0
)
SELECT hub_id, k, metric, level::smallint AS level, kind AS period_kind, period, area,
       true AS by_dim, dim, n::bigint AS n, amount::bigint AS amount, withheld::int AS withheld
  FROM levels
UNION ALL
SELECT hub_id, k, metric, level::smallint, kind, period, area, false, '', sum(n)::bigint,
       sum(amount)::bigint, sum(withheld)::int
  FROM levels
 GROUP BY hub_id, k, metric, level, kind, period, area
WITH DATA;
CREATE UNIQUE INDEX citydata_grid_key ON citydata_grid
    (hub_id, level, period_kind, by_dim, metric, period, area, dim, k);
"""


def _previous(name: str) -> str:
    return str(getattr(importlib.import_module("migrations.0026_citydata"), name))


# The requests' skills: 0026 joined the requests to `skill` on the hub first (the planner
# expects a few dozen requests from the CTE) and probed `opportunity_skill` once for every
# request and skill of the hub: 256,000 probes for 5,000 requests at bench scale 0.01, 25
# million at the Do-it-sized hub. The requests' skills are looked up once, then joined.
_SKILLS_BEFORE = """    SELECT o.hub_id, 'skill_requests', o.cell, o.published_at, s.slug, o.poster_id, o.id, 0
      FROM opp o
      JOIN opportunity_skill os ON os.opportunity_id = o.id AND os.hub_id = o.hub_id
      JOIN skill s ON s.id = os.skill_id AND s.hub_id = os.hub_id
     WHERE o.kind = 'request'"""
_SKILLS_AFTER = """    SELECT o.hub_id, 'skill_requests', o.cell, o.published_at, rs.slug, o.poster_id, o.id, 0
      FROM opp o
      JOIN request_skill rs ON rs.opportunity_id = o.id AND rs.hub_id = o.hub_id
     WHERE o.kind = 'request'"""
_REQUEST_SKILL = """), request_skill AS MATERIALIZED (
    SELECT os.hub_id, os.opportunity_id, s.slug
      FROM opportunity_skill os JOIN skill s ON s.id = os.skill_id AND s.hub_id = os.hub_id
), facts AS ("""


def _cells() -> str:
    sql = _previous("CELLS_SQL")
    assert _SKILLS_BEFORE in sql and sql.count("\n), facts AS (") == 1
    sql = sql.replace(_SKILLS_BEFORE, _SKILLS_AFTER)
    return sql.replace("\n), facts AS (", "\n" + _REQUEST_SKILL, 1)


CELLS_SQL = _cells()


class Migration(BaseMigration):
    dependencies = [("models", "0031_oauth")]

    initial = False

    operations = [
        ops.RunSQL(
            sql="DROP MATERIALIZED VIEW citydata_grid; DROP MATERIALIZED VIEW citydata_cell;"
            + CELLS_SQL
            + GRID_SQL,
            reverse_sql="DROP MATERIALIZED VIEW citydata_grid; DROP MATERIALIZED VIEW"
            " citydata_cell;" + _previous("CELLS_SQL") + _previous("GRID_SQL"),
        ),
    ]
