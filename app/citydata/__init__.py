"""City data for analysts (issue 18, PRODUCT.md module 10): demand against supply by area,
category, skill and period; credits earned and spent; shared assets used; trials run; trends
and the gaps where demand outruns supply.

- `metrics.py`: what is counted, and the data dictionary;
- `grid.py`: the fixed grid every answer is served on (areas, periods) and its typed errors;
- `aggregates.py`, `gaps.py`: the answers, from the precomputed cells of `refresh.py`, with the
  hub's one k-suppression rule (app/privacy.py) applied to every base cell;
- `wards.py`: wards a hub admin uploads as GeoJSON;
- `export.py`: CSV with its data dictionary, and dashboard-ready JSON;
- `policy.py`: analysts and hub admins only.
"""
