from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.assets.models import AssetKind, AssetStatus, Audience, Condition, OwnerKind, WantedStatus
from app.assets.sharing_models import BookingStatus, DisputeResolution, FeedKind, GiveawayRequestStatus, LoanStatus, ShareStatus
from app.people.models import Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

ASSET_SEARCH_SQL = """
ALTER TABLE asset ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(area_name, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(description, '')), 'C')
) STORED;
CREATE INDEX asset_listed_search ON asset USING gin (search) WHERE status = 'listed';
CREATE INDEX asset_listed_newest ON asset (hub_id, listed_at DESC, id DESC) WHERE status = 'listed';
CREATE INDEX asset_listed_kind ON asset (hub_id, kind, listed_at DESC, id DESC) WHERE status = 'listed';
CREATE INDEX asset_listed_category ON asset (hub_id, category_id, listed_at DESC, id DESC)
    WHERE status = 'listed';
CREATE INDEX asset_listed_cell8 ON asset (hub_id, cell8) INCLUDE (lat, lng, id) WHERE status = 'listed';
CREATE INDEX asset_listed_cell6 ON asset (hub_id, cell6) INCLUDE (lat, lng, id) WHERE status = 'listed';
CREATE INDEX asset_listed_cell4 ON asset (hub_id, cell4) INCLUDE (lat, lng, id) WHERE status = 'listed';
CREATE INDEX asset_held_queue ON asset (hub_id, held_at, id) WHERE status = 'held';
CREATE INDEX wanted_open_newest ON wanted_notice (hub_id, created_at DESC, id DESC)
    WHERE status = 'open';
CREATE INDEX wanted_open_category_cell4 ON wanted_notice (hub_id, category_id, cell4)
    INCLUDE (lat, lng, within_km, id) WHERE status = 'open';
CREATE INDEX loan_out_by_due ON loan (due_at) WHERE status IN ('on_loan', 'overdue');
"""
ASSET_SEARCH_REVERSE_SQL = """
DROP INDEX IF EXISTS loan_out_by_due, wanted_open_category_cell4, wanted_open_newest,
    asset_held_queue, asset_listed_cell4, asset_listed_cell6, asset_listed_cell8,
    asset_listed_category, asset_listed_kind, asset_listed_newest, asset_listed_search;
ALTER TABLE asset DROP COLUMN IF EXISTS search;
"""
# Slots of one asset never overlap, also under concurrent requests: a half-open range '[)'
# lets back-to-back slots through. hub_id leads, as in every natural key (DESIGN.md, Citus).
# A violation raises SQLSTATE 23P01 (tortoise IntegrityError). btree_gist gives GiST the `=`
# on bigint; it is a trusted extension (PostgreSQL 13+): the database owner may create it.
NO_OVERLAP_SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    hub_id WITH =, asset_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
) WHERE (status IN ('pending', 'confirmed', 'checked_in', 'checked_out'));
ALTER TABLE loan ADD CONSTRAINT loan_no_overlap EXCLUDE USING gist (
    hub_id WITH =, asset_id WITH =, tstzrange(starts_at, due_at, '[)') WITH &&
) WHERE (status IN ('approved', 'on_loan', 'overdue'));
"""
NO_OVERLAP_REVERSE_SQL = """
ALTER TABLE loan DROP CONSTRAINT IF EXISTS loan_no_overlap;
ALTER TABLE booking DROP CONSTRAINT IF EXISTS booking_no_overlap;
"""
# The default asset categories and impact factors (app/assets/categories.py, with their
# sources), frozen as they were when this migration was written, for hubs that exist already;
# new hubs get them when they are created.
DEFAULTS = """(VALUES
    ('furniture', 'Furniture', 37000, 1450, 32000, 'WRAP (2011) Benefits of Reuse case study: domestic furniture (sofas, direct reuse)'),
    ('it-equipment', 'IT equipment', 5000, 24865, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Electrical items - IT (check)'),
    ('small-electricals', 'Small electricals', 2000, 5648, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Electrical items - small (check)'),
    ('large-appliances', 'Large appliances', 50000, 3267, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Electrical items - large (check)'),
    ('textiles', 'Clothing and textiles', 500, 22310, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Clothing (check)'),
    ('books', 'Books and paper', 400, 919, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Paper and board - paper (check)'),
    ('toys-and-sports', 'Toys, games and sports', 1000, 3116, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Plastics - average plastics (check)'),
    ('household', 'Kitchen and household', 1000, 3116, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Plastics - average plastics, as a proxy (check)'),
    ('tools', 'Tools and DIY', 3000, 2855, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Metal - steel, as a proxy (check)'),
    ('bikes', 'Bikes and mobility', 15000, 2855, 0, 'DESNZ/DEFRA GHG conversion factors, Material use: Metal - steel, as a proxy (check)'),
    ('spaces', 'Rooms and venues', 0, 0, 0, 'A room diverts no waste: set an hour''s value'),
    ('other', 'Something else', 0, 0, 0, 'No default: set by the hub')
) AS d (slug, name, item_weight_g, co2e_g_per_kg, value_minor_per_item, source)"""
SEED_SQL = f"""
INSERT INTO asset_category (hub_id, slug, name, created_at)
SELECT h.id, d.slug, d.name, now() FROM hub h CROSS JOIN {DEFAULTS}
ON CONFLICT (hub_id, slug) DO NOTHING;
INSERT INTO impact_factor (hub_id, category_id, item_weight_g, co2e_g_per_kg,
    value_minor_per_item, value_minor_per_hour, currency, loan_share_pct, source, created_at,
    updated_at)
SELECT c.hub_id, c.id, d.item_weight_g, d.co2e_g_per_kg, d.value_minor_per_item, 0, 'GBP', 10,
    d.source, now(), now()
FROM asset_category c JOIN {DEFAULTS} ON d.slug = c.slug
ON CONFLICT (hub_id, category_id) DO NOTHING;
"""


class Migration(BaseMigration):
    dependencies = [('models', '0012_trusted_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AssetCategory',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('slug', fields.CharField(max_length=60)),
                ('name', fields.CharField(max_length=80)),
            ],
            options={'table': 'asset_category', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'slug'), name='asset_category_hub_slug_uniq')], 'pk_attr': 'id', 'table_description': 'What an asset is, for finding it and for its impact (app/assets/categories.py).'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Asset',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GIVEAWAY: giveaway\nLOAN: loan\nBOOKABLE: bookable', enum_type=AssetKind, max_length=10)),
                ('status', fields.CharEnumField(default=AssetStatus.DRAFT, description='DRAFT: draft\nLISTED: listed\nHELD: held\nREJECTED: rejected\nREHOMED: rehomed\nWITHDRAWN: withdrawn', enum_type=AssetStatus, max_length=10)),
                ('owner_kind', fields.CharEnumField(description='MEMBER: member\nORGANISATION: organisation\nHUB: hub', enum_type=OwnerKind, max_length=12)),
                ('owner_member', fields.ForeignKeyField('models.Member', source_field='owner_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner_organisation', fields.ForeignKeyField('models.Organisation', source_field='owner_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('listed_by', fields.ForeignKeyField('models.Member', source_field='listed_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=160)),
                ('description', fields.TextField(default='', unique=False)),
                ('category', fields.ForeignKeyField('models.AssetCategory', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('photos', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('condition', fields.CharEnumField(null=True, description='NEW: new\nLIKE_NEW: like_new\nGOOD: good\nFAIR: fair\nFOR_PARTS: for_parts', enum_type=Condition, max_length=10)),
                ('quantity', fields.IntField(default=1)),
                ('weight_g', fields.IntField(null=True)),
                ('lat', fields.FloatField(null=True)),
                ('lng', fields.FloatField(null=True)),
                ('address', fields.CharField(default='', max_length=200)),
                ('contact_details', fields.CharField(default='', max_length=500)),
                ('area_name', fields.CharField(default='', max_length=120)),
                ('cell8', fields.CharField(null=True, max_length=16)),
                ('cell6', fields.CharField(null=True, max_length=16)),
                ('cell4', fields.CharField(null=True, max_length=16)),
                ('requires_approval', fields.BooleanField(default=True)),
                ('opening_hours', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('min_minutes', fields.IntField(null=True)),
                ('max_minutes', fields.IntField(null=True)),
                ('notice_minutes', fields.IntField(default=0)),
                ('cancel_notice_minutes', fields.IntField(default=0)),
                ('audience', fields.CharEnumField(default=Audience.ANYONE, description='ANYONE: anyone\nORGANISATIONS: organisations\nCHECKED_MEMBERS: checked_members', enum_type=Audience, max_length=16)),
                ('required_checks', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('price_credits', fields.BigIntField(default=0)),
                ('deposit_credits', fields.BigIntField(default=0)),
                ('listed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rehomed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('held_reason', fields.CharField(default='', max_length=500)),
                ('held_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_by', fields.ForeignKeyField('models.Member', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_note', fields.CharField(default='', max_length=500)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'asset', 'app': 'models', 'constraints': [CheckConstraint(check="(owner_kind = 'member' AND owner_member_id IS NOT NULL AND owner_organisation_id IS NULL) OR (owner_kind = 'organisation' AND owner_organisation_id IS NOT NULL AND owner_member_id IS NULL) OR (owner_kind = 'hub' AND owner_member_id IS NULL AND owner_organisation_id IS NULL)", name='asset_one_owner'), CheckConstraint(check="quantity >= 0 AND quantity <= 100000 AND (kind = 'giveaway' OR quantity = 1)", name='asset_quantity_range'), CheckConstraint(check='weight_g IS NULL OR (weight_g >= 0 AND weight_g <= 100000000)', name='asset_weight_range'), CheckConstraint(check='(min_minutes IS NULL OR min_minutes > 0) AND (max_minutes IS NULL OR max_minutes > 0) AND (min_minutes IS NULL OR max_minutes IS NULL OR min_minutes <= max_minutes) AND notice_minutes >= 0 AND cancel_notice_minutes >= 0', name='asset_lengths_valid'), CheckConstraint(check="price_credits >= 0 AND deposit_credits >= 0 AND (kind <> 'giveaway' OR price_credits = 0) AND (kind = 'loan' OR deposit_credits = 0)", name='asset_pricing_by_kind'), CheckConstraint(check="(audience = 'checked_members') = (jsonb_array_length(required_checks) > 0)", name='asset_audience_checks'), CheckConstraint(check="status IN ('draft', 'withdrawn') OR (lat IS NOT NULL AND cell8 IS NOT NULL)", name='asset_listed_has_place')], 'indexes': [Index(fields=['hub_id', 'owner_member_id']), Index(fields=['hub_id', 'owner_organisation_id'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('booker', fields.ForeignKeyField('models.Member', source_field='booker_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('booker_organisation', fields.ForeignKeyField('models.Organisation', source_field='booker_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=BookingStatus.PENDING, description='PENDING: pending\nCONFIRMED: confirmed\nDECLINED: declined\nCANCELLED: cancelled\nCHECKED_IN: checked_in\nCHECKED_OUT: checked_out', enum_type=BookingStatus, max_length=12)),
                ('message', fields.TextField(default='', unique=False)),
                ('price_credits', fields.BigIntField(default=0)),
                ('credit_hold', fields.ForeignKeyField('models.Transfer', source_field='credit_hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_by', fields.ForeignKeyField('models.Member', source_field='cancelled_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('cancel_reason', fields.CharField(default='', max_length=500)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_out_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminder_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'booking', 'app': 'models', 'constraints': [CheckConstraint(check='ends_at > starts_at', name='booking_ends_after_start'), CheckConstraint(check='price_credits >= 0', name='booking_price_not_negative'), UniqueConstraint(fields=('hub_id', 'credit_hold_id'), name='booking_credit_hold_uniq')], 'indexes': [Index(fields=['hub_id', 'booker_id', 'starts_at']), Index(fields=['hub_id', 'asset_id', 'starts_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='ASSET: asset\nMEMBER: member', enum_type=FeedKind, max_length=8)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token_sha256', fields.CharField(max_length=64)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_feed', 'app': 'models', 'constraints': [UniqueConstraint(fields=('token_sha256', 'hub_id'), name='calendar_feed_token_uniq'), CheckConstraint(check="(kind = 'asset') = (asset_id IS NOT NULL)", name='calendar_feed_kind')], 'indexes': [Index(fields=['hub_id', 'member_id']), Index(fields=['hub_id', 'asset_id'])], 'pk_attr': 'id', 'table_description': 'An unguessable, revocable iCalendar URL. Only the SHA-256 of its token is kept (a leaked'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='GiveawayRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('requester', fields.ForeignKeyField('models.Member', source_field='requester_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('requester_organisation', fields.ForeignKeyField('models.Organisation', source_field='requester_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('message', fields.TextField(default='', unique=False)),
                ('quantity', fields.IntField(default=1)),
                ('status', fields.CharEnumField(default=GiveawayRequestStatus.PENDING, description='PENDING: pending\nCHOSEN: chosen\nHANDED_OVER: handed_over\nDECLINED: declined\nWITHDRAWN: withdrawn', enum_type=GiveawayRequestStatus, max_length=12)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('owner_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('owner_confirmed_by', fields.ForeignKeyField('models.Member', source_field='owner_confirmed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('receiver_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handed_over_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'giveaway_request', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'asset_id', 'requester_id'), name='giveaway_request_once_uniq'), CheckConstraint(check='quantity >= 1 AND quantity <= 100000', name='giveaway_request_quantity'), CheckConstraint(check="status <> 'handed_over' OR (owner_confirmed_at IS NOT NULL AND receiver_confirmed_at IS NOT NULL)", name='giveaway_handover_by_both')], 'indexes': [Index(fields=['hub_id', 'requester_id']), Index(fields=['hub_id', 'asset_id', 'status'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ImpactFactor',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('category', fields.ForeignKeyField('models.AssetCategory', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('item_weight_g', fields.IntField(default=0)),
                ('co2e_g_per_kg', fields.IntField(default=0)),
                ('value_minor_per_item', fields.IntField(default=0)),
                ('value_minor_per_hour', fields.IntField(default=0)),
                ('currency', fields.CharField(default='GBP', max_length=3)),
                ('loan_share_pct', fields.SmallIntField(default=10)),
                ('source', fields.CharField(default='', max_length=500)),
                ('updated_by', fields.ForeignKeyField('models.Member', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'impact_factor', 'app': 'models', 'constraints': [UniqueConstraint(fields=('hub_id', 'category_id'), name='impact_factor_category_uniq'), CheckConstraint(check='item_weight_g >= 0 AND co2e_g_per_kg >= 0 AND value_minor_per_item >= 0 AND value_minor_per_hour >= 0 AND loan_share_pct BETWEEN 0 AND 100', name='impact_factor_not_negative'), CheckConstraint(check="currency ~ '^[A-Z]{3}$'", name='impact_factor_currency')], 'pk_attr': 'id', 'table_description': 'How much one share in a category counts.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='Loan',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('borrower', fields.ForeignKeyField('models.Member', source_field='borrower_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('borrower_organisation', fields.ForeignKeyField('models.Organisation', source_field='borrower_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('message', fields.TextField(default='', unique=False)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=LoanStatus.REQUESTED, description='REQUESTED: requested\nAPPROVED: approved\nDECLINED: declined\nCANCELLED: cancelled\nON_LOAN: on_loan\nOVERDUE: overdue\nRETURNED: returned\nDISPUTED: disputed', enum_type=LoanStatus, max_length=10)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('price_credits', fields.BigIntField(default=0)),
                ('deposit_credits', fields.BigIntField(default=0)),
                ('payment_hold', fields.ForeignKeyField('models.Transfer', source_field='payment_hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('deposit_hold', fields.ForeignKeyField('models.Transfer', source_field='deposit_hold_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('handover_owner_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handover_borrower_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handed_over_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_owner_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_borrower_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('returned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_condition', fields.CharEnumField(null=True, description='NEW: new\nLIKE_NEW: like_new\nGOOD: good\nFAIR: fair\nFOR_PARTS: for_parts', enum_type=Condition, max_length=10)),
                ('return_note', fields.CharField(default='', max_length=500)),
                ('due_reminder_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('overdue_notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('disputed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('disputed_by', fields.ForeignKeyField('models.Member', source_field='disputed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('dispute_reason', fields.CharField(default='', max_length=500)),
                ('resolution', fields.CharEnumField(null=True, description='DEPOSIT_RETURNED: deposit_returned\nDEPOSIT_TO_OWNER: deposit_to_owner', enum_type=DisputeResolution, max_length=16)),
                ('resolution_note', fields.CharField(default='', max_length=500)),
                ('resolved_by', fields.ForeignKeyField('models.Member', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'loan', 'app': 'models', 'constraints': [CheckConstraint(check='due_at > starts_at', name='loan_due_after_start'), CheckConstraint(check='price_credits >= 0 AND deposit_credits >= 0', name='loan_amounts'), CheckConstraint(check='handed_over_at IS NULL OR (handover_owner_confirmed_at IS NOT NULL AND handover_borrower_confirmed_at IS NOT NULL)', name='loan_handover_by_both'), CheckConstraint(check='returned_at IS NULL OR (return_owner_confirmed_at IS NOT NULL AND return_borrower_confirmed_at IS NOT NULL AND handed_over_at IS NOT NULL)', name='loan_return_by_both'), UniqueConstraint(fields=('hub_id', 'payment_hold_id'), name='loan_payment_hold_uniq'), UniqueConstraint(fields=('hub_id', 'deposit_hold_id'), name='loan_deposit_hold_uniq')], 'indexes': [Index(fields=['hub_id', 'borrower_id', 'status']), Index(fields=['hub_id', 'asset_id', 'starts_at'])], 'pk_attr': 'id'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='OffSiteShare',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GIVEAWAY: giveaway\nLOAN: loan\nBOOKABLE: bookable', enum_type=AssetKind, max_length=10)),
                ('recorded_by', fields.ForeignKeyField('models.Member', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receiver_member', fields.ForeignKeyField('models.Member', source_field='receiver_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receiver_organisation', fields.ForeignKeyField('models.Organisation', source_field='receiver_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField(default=1)),
                ('occurred_on', fields.DateField()),
                ('note', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=ShareStatus.PENDING, description='PENDING: pending\nCONFIRMED: confirmed\nDECLINED: declined', enum_type=ShareStatus, max_length=10)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_by', fields.ForeignKeyField('models.Member', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'off_site_share', 'app': 'models', 'constraints': [CheckConstraint(check='num_nonnulls(receiver_member_id, receiver_organisation_id) = 1', name='off_site_share_one_receiver'), CheckConstraint(check="kind IN ('giveaway', 'loan')", name='off_site_share_kind'), CheckConstraint(check='quantity >= 1 AND quantity <= 100000', name='off_site_share_quantity')], 'indexes': [Index(fields=['hub_id', 'asset_id']), Index(fields=['hub_id', 'receiver_member_id', 'status']), Index(fields=['hub_id', 'receiver_organisation_id', 'status'])], 'pk_attr': 'id', 'table_description': 'A giveaway or loan that happened off the site, recorded by the owner side: it counts'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='ImpactRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('giveaway_request', fields.ForeignKeyField('models.GiveawayRequest', source_field='giveaway_request_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('loan', fields.ForeignKeyField('models.Loan', source_field='loan_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('booking', fields.ForeignKeyField('models.Booking', source_field='booking_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('off_site_share', fields.ForeignKeyField('models.OffSiteShare', source_field='off_site_share_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('asset', fields.ForeignKeyField('models.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('category', fields.ForeignKeyField('models.AssetCategory', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('factor', fields.ForeignKeyField('models.ImpactFactor', source_field='factor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField(default=1)),
                ('minutes', fields.IntField(default=0)),
                ('diverted_g', fields.BigIntField(default=0)),
                ('co2e_g', fields.BigIntField(default=0)),
                ('value_minor', fields.BigIntField(default=0)),
                ('currency', fields.CharField(default='GBP', max_length=3)),
                ('owner_kind', fields.CharEnumField(description='MEMBER: member\nORGANISATION: organisation\nHUB: hub', enum_type=OwnerKind, max_length=12)),
                ('owner_member', fields.ForeignKeyField('models.Member', source_field='owner_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner_organisation', fields.ForeignKeyField('models.Organisation', source_field='owner_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receiver_member', fields.ForeignKeyField('models.Member', source_field='receiver_member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receiver_organisation', fields.ForeignKeyField('models.Organisation', source_field='receiver_organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'impact_record', 'app': 'models', 'constraints': [CheckConstraint(check='num_nonnulls(giveaway_request_id, loan_id, booking_id, off_site_share_id) = 1', name='impact_record_one_cause'), UniqueConstraint(fields=('hub_id', 'giveaway_request_id'), name='impact_record_giveaway_uniq'), UniqueConstraint(fields=('hub_id', 'loan_id'), name='impact_record_loan_uniq'), UniqueConstraint(fields=('hub_id', 'booking_id'), name='impact_record_booking_uniq'), UniqueConstraint(fields=('hub_id', 'off_site_share_id'), name='impact_record_off_site_uniq'), CheckConstraint(check='quantity >= 0 AND minutes >= 0 AND diverted_g >= 0 AND co2e_g >= 0 AND value_minor >= 0', name='impact_record_not_negative'), CheckConstraint(check="(owner_kind = 'member' AND owner_member_id IS NOT NULL AND owner_organisation_id IS NULL) OR (owner_kind = 'organisation' AND owner_organisation_id IS NOT NULL AND owner_member_id IS NULL) OR (owner_kind = 'hub' AND owner_member_id IS NULL AND owner_organisation_id IS NULL)", name='impact_record_one_owner'), CheckConstraint(check='receiver_member_id IS NOT NULL OR receiver_organisation_id IS NOT NULL', name='impact_record_has_receiver')], 'indexes': [Index(fields=['hub_id', 'occurred_at']), Index(fields=['hub_id', 'owner_member_id']), Index(fields=['hub_id', 'owner_organisation_id']), Index(fields=['hub_id', 'receiver_member_id']), Index(fields=['hub_id', 'receiver_organisation_id'])], 'pk_attr': 'id', 'table_description': 'What one completed share diverted and saved: exactly one cause, recorded once.'},
            bases=['Base'],
        ),
        ops.CreateModel(
            name='WantedNotice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('hub', fields.ForeignKeyField('models.Hub', source_field='hub_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=WantedStatus.OPEN, description='OPEN: open\nCLOSED: closed', enum_type=WantedStatus, max_length=8)),
                ('kind', fields.CharEnumField(null=True, description='GIVEAWAY: giveaway\nLOAN: loan\nBOOKABLE: bookable', enum_type=AssetKind, max_length=10)),
                ('title', fields.CharField(max_length=160)),
                ('description', fields.TextField(default='', unique=False)),
                ('category', fields.ForeignKeyField('models.AssetCategory', source_field='category_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('lat', fields.FloatField()),
                ('lng', fields.FloatField()),
                ('area_name', fields.CharField(default='', max_length=120)),
                ('cell8', fields.CharField(max_length=16)),
                ('cell6', fields.CharField(max_length=16)),
                ('cell4', fields.CharField(max_length=16)),
                ('within_km', fields.IntField(default=5)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wanted_notice', 'app': 'models', 'constraints': [CheckConstraint(check='within_km >= 1 AND within_km <= 50', name='wanted_reach_range')], 'indexes': [Index(fields=['hub_id', 'author_id'])], 'pk_attr': 'id', 'table_description': "'Wanted: a desk': a new listing in its category within its reach notifies its author."},
            bases=['Base'],
        ),
        ops.AlterField(
            model_name='MemberRole',
            name='role',
            field=fields.CharEnumField(description='MEMBER: member\nCOORDINATOR: coordinator\nMODERATOR: moderator\nANALYST: analyst\nHUB_ADMIN: hub_admin\nASSET_MANAGER: asset_manager', enum_type=Role, max_length=16),
        ),
        # Full-text search (language-neutral 'simple' config, as opportunities) and the partial
        # indexes that keep search and matching fast on listed assets and open WANTED notices.
        # Which query uses which index: app/assets/search.py.
        ops.RunSQL(sql=ASSET_SEARCH_SQL, reverse_sql=ASSET_SEARCH_REVERSE_SQL),
        ops.RunSQL(sql=NO_OVERLAP_SQL, reverse_sql=NO_OVERLAP_REVERSE_SQL),
        ops.RunSQL(sql=SEED_SQL, reverse_sql="SELECT 1"),
    ]
