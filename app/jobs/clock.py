"""The jobs' clock: every lease, due time and retry is read from here, so tests move time
instead of sleeping. Workers on several machines compare these times: keep their clocks in
sync (NTP); a skew of a second or two only shifts a deadline by as much."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
