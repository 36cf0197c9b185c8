"""Badges, levels and impact (issue 16): badge classes (a rule over a holder's record, points),
levels, awards (one per badge and holder: badge_award_member_uniq, badge_award_organisation_uniq),
success stories, leaderboard opt-ins; the badge notification kind; the default badge set for the
hubs that exist."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.badges.models import HolderKind, Period, StoryStatus
from app.matching.models import NotificationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

# The default set (app/badges/defaults.py as of this migration) for the hubs that exist now;
# new hubs get it from app.hubs.service.create_hub.
DEFAULTS_SQL = """
INSERT INTO badge_class (hub_id, slug, name, description, holder_kind, metric, threshold, period,
    points, colour, active, created_at, updated_at)
SELECT h.id, d.slug, d.name, d.description, d.holder_kind, d.metric, d.threshold, 'all_time',
    d.points, d.colour, true, now(), now()
FROM hub h CROSS JOIN (VALUES
    ('first-hours', 'First hours', 'Gave their first verified hour.', 'member', 'verified_hours', 1, 10, '#2e7d32'),
    ('ten-hours', '10 hours', 'Gave 10 verified hours.', 'member', 'verified_hours', 10, 20, '#2e7d32'),
    ('fifty-hours', '50 hours', 'Gave 50 verified hours.', 'member', 'verified_hours', 50, 50, '#1565c0'),
    ('hundred-hours', '100 hours', 'Gave 100 verified hours.', 'member', 'verified_hours', 100, 100, '#6a1b9a'),
    ('first-giveaway', 'First giveaway', 'Gave an item a new home.', 'member', 'giveaways_completed', 1, 10, '#2e7d32'),
    ('rehomer', 'Rehomer', 'Gave 10 items a new home.', 'member', 'giveaways_completed', 10, 30, '#2e7d32'),
    ('lender', 'Lender', 'Lent things 5 times.', 'member', 'loans_completed', 5, 20, '#2e7d32'),
    ('waste-saver', 'Waste saver', 'Kept 100 kg out of landfill.', 'member', 'kg_diverted', 100, 40, '#2e7d32'),
    ('host', 'Host', 'Hosted 10 bookings.', 'member', 'bookings_hosted', 10, 20, '#2e7d32'),
    ('campaign-backer', 'Campaign backer', 'Backed a campaign that succeeded.', 'member', 'campaigns_backed', 1, 10, '#ef6c00'),
    ('well-reviewed', 'Well reviewed', 'Received 5 reviews.', 'member', 'reviews_received', 5, 20, '#2e7d32'),
    ('top-rated', 'Top rated', 'Rated 4.5 stars or more on average.', 'member', 'review_average', 450, 30, '#f9a825'),
    ('reliable', 'Reliable volunteer', 'Turned up for 90% of accepted places.', 'member', 'reliability', 90, 40, '#2e7d32'),
    ('six-month-streak', 'Six-month streak', 'Active 6 months in a row.', 'member', 'active_streak_months', 6, 40, '#2e7d32'),
    ('org-first-giveaway', 'First giveaway (organisation)', 'The organisation gave an item a new home.', 'organisation', 'giveaways_completed', 1, 10, '#2e7d32'),
    ('org-tonne-diverted', 'A tonne diverted', 'The organisation kept 1,000 kg out of landfill.', 'organisation', 'kg_diverted', 1000, 50, '#2e7d32'),
    ('org-hundred-hours', '100 volunteer hours', 'Volunteers gave 100 verified hours to the organisation.', 'organisation', 'verified_hours', 100, 50, '#2e7d32')
) AS d(slug, name, description, holder_kind, metric, threshold, points, colour)
ON CONFLICT (hub_id, slug) DO NOTHING;
INSERT INTO badge_level (hub_id, name, min_points, created_at)
SELECT h.id, l.name, l.min_points, now()
FROM hub h CROSS JOIN (VALUES ('Newcomer', 0), ('Helper', 30), ('Contributor', 100), ('Champion', 250), ('Hero', 500)) AS l(name, min_points)
ON CONFLICT DO NOTHING;
"""

# The awards the notify job has still to tell (app/badges/notify.py takes them in chunks).
UNTOLD_SQL = "CREATE INDEX badge_award_untold ON badge_award (hub_id, id) WHERE notified_at IS NULL;"
UNTOLD_REVERSE_SQL = "DROP INDEX IF EXISTS badge_award_untold;"
DEFAULTS_REVERSE_SQL = "DELETE FROM badge_level; DELETE FROM badge_class;"


class Migration(BaseMigration):
    dependencies = [('models', '0018_trials_and_paid_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BadgeClass',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('slug', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=80)),
                ('description', fields.CharField(max_length=500)),
                ('holder_kind', fields.CharEnumField(default=HolderKind.MEMBER, description='MEMBER: member\nORGANISATION: organisation', enum_type=HolderKind, max_length=12)),
                ('metric', fields.CharField(max_length=32)),
                ('threshold', fields.IntField()),
                ('category', fields.ForeignKeyField('models.Category', source_field='category_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('skill', fields.ForeignKeyField('models.Skill', source_field='skill_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('period', fields.CharEnumField(default=Period.ALL_TIME, description='ALL_TIME: all_time\nPAST_YEAR: past_year\nPAST_MONTH: past_month', enum_type=Period, max_length=12)),
                ('points', fields.IntField(default=10)),
                ('colour', fields.CharField(default='#2e7d32', max_length=7)),
                ('active', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'badge_class', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'slug'), name='badge_class_slug_uniq'), CheckConstraint(check='threshold >= 0', name='badge_class_threshold_not_negative'), CheckConstraint(check='points >= 0', name='badge_class_points_not_negative')], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Award',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('badge_class', fields.ForeignKeyField('models.BadgeClass', source_field='badge_class_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('holder_kind', fields.CharEnumField(description='MEMBER: member\nORGANISATION: organisation', enum_type=HolderKind, max_length=12)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('uid', fields.UUIDField(unique=True)),
                ('salt', fields.CharField(max_length=32)),
                ('awarded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('awarded_by', fields.ForeignKeyField('models.Member', source_field='awarded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_by', fields.ForeignKeyField('models.Member', source_field='revoked_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('revocation_reason', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'badge_award', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'badge_class_id', 'member_id'), name='badge_award_member_uniq'), UniqueConstraint(fields=('hub_id', 'badge_class_id', 'organisation_id'), name='badge_award_organisation_uniq'), CheckConstraint(check="(holder_kind = 'member' AND member_id IS NOT NULL AND organisation_id IS NULL) OR (holder_kind = 'organisation' AND organisation_id IS NOT NULL AND member_id IS NULL)", name='badge_award_one_holder')], 'indexes': [Index(fields=['hub_id', 'member_id']), Index(fields=['hub_id', 'organisation_id']), Index(fields=['hub_id', 'awarded_at'])], 'pk_attr': 'id', 'table_description': 'A badge given to a holder: exactly once (badge_award_member_uniq / _organisation_uniq).'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='LeaderboardOptIn',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'leaderboard_opt_in', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'member_id'), name='leaderboard_opt_in_uniq')], 'pk_attr': 'id', 'table_description': "A member who chose to appear on the hub's leaderboards (nobody appears otherwise)."},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Level',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=60)),
                ('min_points', fields.IntField()),
            ],
            options={'table': 'badge_level', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'min_points'), name='badge_level_points_uniq'), UniqueConstraint(fields=('hub_id', 'name'), name='badge_level_name_uniq'), CheckConstraint(check='min_points >= 0', name='badge_level_points_not_negative')], 'pk_attr': 'id', 'table_description': "A named level reached at `min_points` (the sum of the holder's badges' points)."},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='SuccessStory',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=160)),
                ('body', fields.TextField(unique=False)),
                ('opportunity', fields.ForeignKeyField('models.Opportunity', source_field='opportunity_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('impact_record_id', fields.BigIntField(null=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=StoryStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=StoryStatus, max_length=10)),
                ('moderated_by', fields.ForeignKeyField('models.Member', source_field='moderated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('moderated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'success_story', 'app': 'models', 'constraints': [CheckConstraint(check='num_nonnulls(opportunity_id, impact_record_id, campaign_id) = 1', name='success_story_one_subject')], 'indexes': [Index(fields=['hub_id', 'organisation_id', 'status'])], 'pk_attr': 'id', 'table_description': "An organisation's story of a completed opportunity, share or campaign of its own."},
            bases=['Base'],
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='OPPORTUNITY_MATCH: opportunity_match\nSAVED_SEARCH: saved_search\nWANTED_MATCH: wanted_match\nGIVEAWAY_REQUESTED: giveaway_requested\nGIVEAWAY_CHOSEN: giveaway_chosen\nGIVEAWAY_DECLINED: giveaway_declined\nOFF_SITE_SHARE: off_site_share\nCAMPAIGN_UPDATE: campaign_update\nCAMPAIGN_TIPPED: campaign_tipped\nCAMPAIGN_SUCCEEDED: campaign_succeeded\nCAMPAIGN_FAILED: campaign_failed\nTRIAL_SELECTED: trial_selected\nJOB_APPLICATION: job_application\nBADGE_AWARDED: badge_awarded', enum_type=NotificationKind, max_length=24),
        ),
        ops.RunSQL(sql=UNTOLD_SQL, reverse_sql=UNTOLD_REVERSE_SQL),
        ops.RunSQL(sql=DEFAULTS_SQL, reverse_sql=DEFAULTS_REVERSE_SQL),
    ]
