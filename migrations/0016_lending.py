"""Bookings and loans (issue 13): a booking may end NO_SHOW (it ended without a check-in; the
cron job settles it), transfers of kinds DEPOSIT and RENTAL, the hub's PUBLIC_ASSETS account;
the partial indexes the cron sweeps of app/assets/housekeeping.py read (each bounded by
`starts_at <= now`, so a sweep reads only the few open rows that have begun), and bookable
spaces by cell for the free-slot search (app/assets/search.py)."""

from tortoise.migrations import operations as ops

from migrations._operations import BaseMigration
from app.assets.sharing_models import BookingStatus
from app.credits.models import SystemAccount, TransferKind
from tortoise import fields

LENDING_INDEXES_SQL = """
CREATE INDEX loan_open_by_start ON loan (starts_at) WHERE status IN ('requested', 'approved');
CREATE INDEX booking_open_by_start ON booking (starts_at)
    WHERE status IN ('pending', 'confirmed', 'checked_in');
CREATE INDEX asset_listed_bookable_cell8 ON asset (hub_id, cell8) INCLUDE (lat, lng, id)
    WHERE status = 'listed' AND kind = 'bookable';
"""
LENDING_INDEXES_REVERSE_SQL = """
DROP INDEX IF EXISTS asset_listed_bookable_cell8, booking_open_by_start, loan_open_by_start;
"""


class Migration(BaseMigration):
    dependencies = [("models", "0015_asset_notifications")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="Booking",
            name="status",
            field=fields.CharEnumField(
                default=BookingStatus.PENDING,
                description="PENDING: pending\nCONFIRMED: confirmed\nDECLINED: declined\nCANCELLED: cancelled\nCHECKED_IN: checked_in\nCHECKED_OUT: checked_out\nNO_SHOW: no_show",
                enum_type=BookingStatus,
                max_length=12,
            ),
        ),
        ops.AlterField(
            model_name="Transfer",
            name="kind",
            field=fields.CharEnumField(
                description="EARN: earn\nEXCHANGE: exchange\nVOUCHER: voucher\nREFUND: refund\nPLEDGE: pledge\nREVERSAL: reversal\nADJUSTMENT: adjustment\nDEPOSIT: deposit\nRENTAL: rental",
                enum_type=TransferKind,
                max_length=12,
            ),
        ),
        ops.AlterField(
            model_name="Account",
            name="system",
            field=fields.CharEnumField(
                null=True,
                description="ISSUANCE: issuance\nMATCH_FUNDS: match_funds\nCAMPAIGN_ESCROW: campaign_escrow\nVOUCHER_SETTLEMENT: voucher_settlement\nPUBLIC_ASSETS: public_assets",
                enum_type=SystemAccount,
                max_length=20,
            ),
        ),
        ops.RunSQL(sql=LENDING_INDEXES_SQL, reverse_sql=LENDING_INDEXES_REVERSE_SQL),
    ]
