from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration

COVERING_SQL = """
CREATE INDEX member_active_cell ON member (hub_id, home_cell)
    INCLUDE (id, home_lat, home_lng, travel_km, is_proxy) WHERE status = 'active';
CREATE INDEX member_skill_by_skill ON member_skill (hub_id, skill_id) INCLUDE (member_id);
"""
REVERSE_SQL = "DROP INDEX IF EXISTS member_active_cell, member_skill_by_skill;"


class Migration(BaseMigration):
    dependencies = [('models', '0009_covering_cell_indexes')]

    # Matching's shortlist (members whose travel distance reaches a new listing) is an
    # index-only scan, and so are the members who hold the listing's skills: tens of thousands of members sit in a 10 km ring of a dense city.
    operations = [
        ops.RunSQL(sql=COVERING_SQL, reverse_sql=REVERSE_SQL),
    ]
