"""City data for analysts (issue 18): the hub's one privacy threshold (`hub.privacy_k`, was
`ratings_min_group`), wards, and the aggregates as a materialised view refreshed CONCURRENTLY
(app/citydata/refresh.py).

`citydata_cell` holds one row per (hub, metric, base cell, week, dimension): the base cell is
the H3 cell of resolution 7 (`ch_h3_parent` computes parents from the stored resolution-8
cells by bit arithmetic on the H3 index), the week is the Monday of the hub's local week,
`n` counts distinct items, `amount` sums the metric's amount and `people` counts distinct
people. Every answer is a sum of rows with at least k people (app/citydata/grid.py).
"""

from orjson import loads
from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from tortoise.migrations.constraints import UniqueConstraint

H3_PARENT_SQL = """
CREATE OR REPLACE FUNCTION ch_h3_parent(cell text, res int) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT to_hex(((('x' || lpad(cell, 16, '0'))::bit(64)::bigint & ~(15::bigint << 52))
                 | (res::bigint << 52)) | ((1::bigint << (3 * (15 - res))) - 1))
$$;
"""

# Stock metrics (counted at the refresh, not per week) carry this sentinel week.
CELLS_SQL = """
CREATE MATERIALIZED VIEW citydata_cell AS
WITH opp AS (
    SELECT o.hub_id, o.id, o.kind, o.poster_id, o.urgency, o.status, o.places, o.accepted_count,
           o.published_at, ch_h3_parent(o.cell8, 7) AS cell, c.slug AS category
      FROM opportunity o JOIN category c ON c.id = o.category_id AND c.hub_id = o.hub_id
     WHERE o.published_at IS NOT NULL AND o.status <> 'draft'
), facts AS (
    SELECT hub_id, 'requests_posted' AS metric, cell, published_at AS at, category AS dim,
           poster_id AS person, id AS item, 0::bigint AS amount
      FROM opp WHERE kind = 'request'
    UNION ALL
    SELECT hub_id, 'urgent_requests', cell, published_at, category, poster_id, id, 0
      FROM opp WHERE kind = 'request' AND urgency = 'urgent'
    UNION ALL
    SELECT hub_id, 'requests_unfilled', cell, published_at, category, poster_id, id,
           (places - accepted_count)::bigint
      FROM opp WHERE kind = 'request' AND accepted_count < places AND status <> 'cancelled'
    UNION ALL
    SELECT o.hub_id, 'requests_filled', o.cell, o.published_at, o.category, o.poster_id, o.id,
           greatest(0, floor(extract(epoch FROM f.filled_at - o.published_at) / 60))::bigint
      FROM opp o
      JOIN (SELECT a.hub_id, a.opportunity_id, max(a.decided_at) AS filled_at
              FROM application a WHERE a.status = 'accepted' AND a.decided_at IS NOT NULL
             GROUP BY 1, 2) f ON f.opportunity_id = o.id AND f.hub_id = o.hub_id
     WHERE o.kind = 'request' AND o.accepted_count >= o.places
    UNION ALL
    SELECT hub_id, 'offers_posted', cell, published_at, category, poster_id, id, 0
      FROM opp WHERE kind = 'offer'
    UNION ALL
    SELECT o.hub_id, 'skill_requests', o.cell, o.published_at, s.slug, o.poster_id, o.id, 0
      FROM opp o
      JOIN opportunity_skill os ON os.opportunity_id = o.id AND os.hub_id = o.hub_id
      JOIN skill s ON s.id = os.skill_id AND s.hub_id = os.hub_id
     WHERE o.kind = 'request'
    UNION ALL
    SELECT h.hub_id, 'hours_given', o.cell, h.worked_on::timestamp AT TIME ZONE 'UTC',
           o.category, h.volunteer_id, h.id, h.minutes::bigint
      FROM hours_record h JOIN opp o ON o.id = h.opportunity_id AND o.hub_id = h.hub_id
     WHERE h.status = 'verified'
    UNION ALL
    SELECT t.hub_id, 'credits_earned', ch_h3_parent(m.home_cell, 7), t.posted_at,
           coalesce(nullif(t.category, ''), 'hours'), m.id, t.id, t.amount
      FROM transfer t
      JOIN account a ON a.id = t.destination_id AND a.hub_id = t.hub_id AND a.kind = 'member'
      JOIN member m ON m.id = a.member_id AND m.hub_id = a.hub_id
     WHERE t.kind = 'earn' AND t.status = 'posted'
    UNION ALL
    SELECT t.hub_id, 'credits_spent', ch_h3_parent(m.home_cell, 7), t.posted_at,
           t.kind || ':' || coalesce(d.system, d.kind), m.id, t.id, t.amount
      FROM transfer t
      JOIN account a ON a.id = t.source_id AND a.hub_id = t.hub_id AND a.kind = 'member'
      JOIN account d ON d.id = t.destination_id AND d.hub_id = t.hub_id
      JOIN member m ON m.id = a.member_id AND m.hub_id = a.hub_id
     WHERE t.kind IN ('exchange', 'voucher', 'rental', 'pledge') AND t.status = 'posted'
    UNION ALL
    SELECT l.hub_id, 'assets_used', ch_h3_parent(s.cell8, 7), l.handed_over_at, ac.slug,
           l.borrower_id, s.id, 1
      FROM loan l
      JOIN asset s ON s.id = l.asset_id AND s.hub_id = l.hub_id
      JOIN asset_category ac ON ac.id = s.category_id AND ac.hub_id = s.hub_id
     WHERE l.handed_over_at IS NOT NULL
    UNION ALL
    SELECT b.hub_id, 'assets_used', ch_h3_parent(s.cell8, 7), b.starts_at, ac.slug,
           b.booker_id, s.id, 1
      FROM booking b
      JOIN asset s ON s.id = b.asset_id AND s.hub_id = b.hub_id
      JOIN asset_category ac ON ac.id = s.category_id AND ac.hub_id = s.hub_id
     WHERE b.status IN ('checked_in', 'checked_out')
    UNION ALL
    SELECT r.hub_id, 'trials_run', NULL, t.opened_at, '', r.member_id, t.id, 1
      FROM trial_report r JOIN trial t ON t.id = r.trial_id AND t.hub_id = r.hub_id
     WHERE t.opened_at IS NOT NULL
)
SELECT f.hub_id, f.metric, coalesce(f.cell, '') AS cell,
       date_trunc('week', f.at AT TIME ZONE h.timezone)::date AS week, coalesce(f.dim, '') AS dim,
       count(DISTINCT f.item)::bigint AS n, coalesce(sum(f.amount), 0)::bigint AS amount,
       count(DISTINCT f.person)::int AS people
  FROM facts f JOIN hub h ON h.id = f.hub_id
 WHERE f.at IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT m.hub_id, 'skill_volunteers', coalesce(ch_h3_parent(m.home_cell, 7), ''),
       DATE '1970-01-05', s.slug, count(DISTINCT m.id)::bigint, 0::bigint,
       count(DISTINCT m.id)::int
  FROM member_skill ms
  JOIN member m ON m.id = ms.member_id AND m.hub_id = ms.hub_id
  JOIN skill s ON s.id = ms.skill_id AND s.hub_id = ms.hub_id
 WHERE m.status = 'active'
 GROUP BY 1, 2, 3, 4, 5
WITH DATA;
CREATE UNIQUE INDEX citydata_cell_key ON citydata_cell (hub_id, metric, week, cell, dim);
"""


# The answers themselves, precomputed from the cells with each hub's k at the refresh: per
# metric, level (0: the whole hub; 4-7: H3 resolution), period kind, period, area, and
# dimension value (by_dim) or all of them. Sums of shown cells only, like the slow path
# (app/citydata/aggregates.py), which answers when a hub's k changed since the refresh.
GRID_SQL = """
CREATE MATERIALIZED VIEW citydata_grid AS
WITH b AS (
    SELECT c.hub_id, h.privacy_k AS k, c.metric, c.cell, c.week, c.dim, c.n, c.amount,
           c.people >= h.privacy_k AS shown,
           CASE WHEN c.week = DATE '1970-01-05' THEN c.week
                ELSE date_trunc('month', c.week)::date END AS month
      FROM citydata_cell c JOIN hub h ON h.id = c.hub_id
), placed AS (
    SELECT b.*, lv.level, lv.area
      FROM b CROSS JOIN LATERAL (VALUES
          (0, 'hub'),
          (4, ch_h3_parent(nullif(b.cell, ''), 4)),
          (5, ch_h3_parent(nullif(b.cell, ''), 5)),
          (6, ch_h3_parent(nullif(b.cell, ''), 6)),
          (7, nullif(b.cell, ''))) lv(level, area)
     WHERE lv.area IS NOT NULL
)
SELECT p.hub_id, p.k, p.metric, p.level::smallint AS level, pk.kind AS period_kind,
       pk.period, p.area, d.by_dim, d.dim,
       sum(p.n) FILTER (WHERE p.shown)::bigint AS n,
       sum(p.amount) FILTER (WHERE p.shown)::bigint AS amount,
       count(*) FILTER (WHERE NOT p.shown)::int AS withheld
  FROM placed p
 CROSS JOIN LATERAL (VALUES ('week', p.week), ('month', p.month)) pk(kind, period)
 CROSS JOIN LATERAL (VALUES (true, p.dim), (false, '')) d(by_dim, dim)
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
WITH DATA;
CREATE UNIQUE INDEX citydata_grid_key ON citydata_grid
    (hub_id, level, period_kind, by_dim, metric, period, area, dim, k);
"""


class Migration(BaseMigration):
    dependencies = [("models", "0025_open_data_licence")]

    initial = False

    operations = [
        ops.CreateModel(
            name="CityDataRefresh",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("started_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("finished_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("took_ms", fields.IntField()),
                ("rows", fields.BigIntField()),
            ],
            options={
                "table": "citydata_refresh",
                "app": "models",
                "pk_attr": "id",
                "table_description": "One row per refresh of the aggregates (the newest is what answers report).",
            },
            bases=["Base"],
        ),
        ops.CreateModel(
            name="CityWard",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "hub",
                    fields.ForeignKeyField(
                        "models.Hub",
                        source_field="hub_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("name", fields.CharField(max_length=120)),
                ("code", fields.CharField(max_length=40)),
                ("geometry", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("cells", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "city_ward",
                "app": "models",
                "constraints": [
                    UniqueConstraint(fields=("hub_id", "code"), name="city_ward_hub_code_uniq")
                ],
                "pk_attr": "id",
                "table_description": "A named area of the hub: the base cells (H3, resolution 7) whose centres lie inside",
            },
            bases=["Base"],
        ),
        ops.RenameField(
            model_name="Hub",
            old_name="ratings_min_group",
            new_name="privacy_k",
        ),
        ops.RunSQL(sql=H3_PARENT_SQL, reverse_sql="DROP FUNCTION ch_h3_parent(text, int);"),
        ops.RunSQL(sql=CELLS_SQL, reverse_sql="DROP MATERIALIZED VIEW citydata_cell;"),
        ops.RunSQL(sql=GRID_SQL, reverse_sql="DROP MATERIALIZED VIEW citydata_grid;"),
    ]
