"""Bookings and loans made through the API appear in the iCalendar feeds (app/assets/feeds.py):
the booker's own feed shows the booking and the loan due back, in local time; the asset's feed
shows the booking to its owner side; a cancelled booking and a returned loan leave them."""

from datetime import timedelta
from typing import Any

from app.assets.sharing_models import Booking, Loan
from tests.assets.lending import soon
from tests.assets.test_bookings import CANCEL, LONDON, book
from tests.assets.test_bookings import act as act_on_booking
from tests.assets.test_feeds import _events, _feed, _get, _parse
from tests.assets.test_loans import RETURN, act, lent
from tests.helpers import Person


async def test_the_feeds_show_bookings_and_loans_due_until_they_are_over(
    gql: Any, http: Any, alice: Person, make_person: Any, list_asset: Any, spaces: Any
) -> None:
    # given: Bob books Alice's room tomorrow and borrows her drill
    room = await list_asset(
        alice, kind="bookable", title="Hall", category_id=spaces.id, requires_approval=False
    )
    drill = await list_asset(alice, kind="loan", title="Drill", requires_approval=False)
    bob = await make_person(display_name="Bob")
    starts = soon(60 * 24)
    booked = await book(gql, bob, room, starts, starts + timedelta(hours=2))
    loan_id = await lent(gql, alice, bob, drill)
    booking = await Booking.get(asset_id=room.id)
    loan = await Loan.get(asset_id=drill.id)
    mine, hall = await _feed(gql, bob), await _feed(gql, alice, room)
    # when: the two feeds are read
    events = _events(_parse(await _get(http, mine["url"])))
    owners = _events(_parse(await _get(http, hall["url"])))
    # then: Bob's shows the booking and the drill due back, at London's wall-clock times
    shown = events[f"booking-{booking.id}"]
    assert str(shown["summary"]) == "Booked: Hall"
    assert shown.decoded("dtstart") == starts.astimezone(LONDON)
    assert shown.decoded("dtstart").tzinfo.key == "Europe/London"
    due = events[f"loan-{loan.id}-due"]
    assert str(due["summary"]) == "Return: Drill"
    assert due.decoded("dtstart") == loan.due_at.astimezone(LONDON)
    # and the hall's feed shows the booking to Alice, named by the booker only
    [(uid, event)] = [(u, e) for u, e in owners.items() if u.startswith("booking-")]
    assert uid == f"booking-{booking.id}" and "Bob" in str(event["summary"])
    # when: the booking is cancelled and the drill returned
    await act_on_booking(gql, CANCEL, bob, booked["booking"]["id"])
    await act(gql, RETURN, bob, loan_id)
    await act(gql, RETURN, alice, loan_id, condition="GOOD")
    # then: both leave Bob's feed
    after = _events(_parse(await _get(http, mine["url"])))
    assert f"booking-{booking.id}" not in after and f"loan-{loan.id}-due" not in after
