"""The promotions guard's rule set, case by case: adverts are held with a reason that quotes
them, sharing language passes (app/assets/guard.py, with its known limits)."""

import pytest

from app.assets.guard import promotion_reason

# (title, description, the words the reason must quote)
ADVERTS = [
    ("Desk £20", "", "£20"),
    ("Chairs", "Only 15€ each", "15€"),
    ("Lamp", "$5 each, collect today", "$5"),
    ("Monitor", "EUR 30 or best offer", "EUR 30"),
    ("Printer", "Yours for 20 GBP", "20 GBP"),
    ("Bike", "40 quid and it's yours", "40 quid"),
    ("Sedia", "10 euros", "10 euros"),
    ("Storage unit", "Rent it for 10 per month", "10 per month"),
    ("Room", "Yours at 450 pcm", "450 pcm"),
    ("Garage space", "25/week, flexible", "25/week"),
    ("Chairs", "20% off all chairs this week", "20% off"),
    ("Sofas", "30 percent off until Sunday", "30 percent off"),
    ("Tables", "Now -15% for members", "-15%"),
    ("Chairs for sale", "", "for sale"),
    ("FOR SALE: desk", "", "FOR SALE"),
    ("Sofas", "Big SALE on sofas", "Big SALE"),
    ("Sofas", "SALE: sofas and beds", "SALE"),
    ("Clearance sale", "Everything must go", "Clearance sale"),
    ("Wardrobe", "Sale price today only", "Sale price"),
    ("Laptops", "Huge discount for students", "discount"),
    ("Laptops", "Discounted refurbished laptops", "Discounted"),
    ("Printers", "Special offer on ink", "Special offer"),
    ("Headphones", "Buy now!", "Buy now"),
    ("Mattress", "Free delivery in Manchester", "Free delivery"),
    ("Cables", "Use promo code SAVE10 at checkout", "promo code"),
    ("Beds", "Limited time offer", "Limited time offer"),
    ("Kitchens", "Best prices in town", "Best prices"),
    ("Chairs", "Wholesale furniture for offices", "Wholesale"),
    ("Skip hire", "Call now on 0161 496 0000", "Call now"),
    ("Desk", "See it at www.myshop.co.uk", "www.myshop.co.uk"),
    ("Desk", "Details: https://example.com/desk", "https://example.com/desk"),
    ("Desk", "More on myshop.com/desks", "myshop.com/desks"),
    ("Sedie", "Sconto del 20% per i soci", "Sconto"),
    ("Divano", "Saldi di fine stagione", "Saldi"),
    ("Tavolo", "Offerta speciale per pochi giorni", "Offerta speciale"),
    ("Scrivania", "Compra ora, spedizione gratuita", "Compra ora"),
    ("Scaffale", "20% di sconto", "20% di sconto"),
    ("Mesa", "Gran descuento esta semana", "descuento"),
    ("Sillas", "Rebajas de verano", "Rebajas"),
    ("Armario", "Oferta especial", "Oferta especial"),
    ("Cama", "Envío gratis a toda España", "Envío gratis"),
    ("Trastero", "Solo 50 al mes", "50 al mes"),
]

SHARING = [
    ("Oak desk", "Free to a good home, two drawers."),
    ("Drill", "Happy to lend my drill for a weekend."),
    ("Swap", "Kids' bike: swap for a bigger one?"),
    ("Sofa", "50 kg: two people needed to lift it."),
    ("3D printer", "Prusa i3 MK3S for the makerspace, book by the hour."),
    ("Meeting room", "Room for 20 people, projector, step-free access."),
    ("Laptop", "Bought in 2024, barely used. 8 GB RAM, 256 GB SSD, Windows 11."),
    ("Wardrobe", "Collect from Sale Road, M33."),
    ("Bookcase", "Pick up in Sale, near the tram stop."),
    ("Curtains", "50% cotton, 50% polyester, 2 m drop."),
    ("Cot", "Call 0161 496 0000 to arrange a time to collect."),
    ("Hall", "Open 9:00-17:30, bookable for up to 4 hours per booking."),
    ("Sewing machine", "Available 3 days a week from the community centre."),
    ("Euro pallet", "120 x 80 cm, sturdy."),
    ("Euro 2024 stickers", "A whole album, nearly complete."),
    ("Books", "Kids' books, ages 5-7, about 40 of them."),
    ("Kindle", "Amazon Kindle Paperwhite, works fine, charger included."),
    ("Shoes", "Size 10, worn twice."),
    ("Desk", "120x60 cm, version 1.2 of the flat-pack."),
    ("Freezer", "Works from -20 to 4 degrees."),
    ("Printer", "Takes A4 paper; 500 sheets included."),
    ("Bike", "21 gears, 26 inch wheels, new tyres."),
    ("Chair", "A special chair for a special reading corner."),
    ("Garden tools", "We can deliver for free within 2 km."),
    ("Weights", "Two dumbbells, 20 pounds each."),
    ("Fridge", "Slight dent. It is in good working order."),
    ("Desk", "Two drawers.It is heavy."),
    ("Libri", "Gratis: libri per bambini, in ottimo stato."),
    ("Trapano", "Lo presto per il fine settimana."),
    ("Sofá", "Regalo sofá en buen estado, hay que recogerlo."),
    ("Taladro", "Presto taladro el fin de semana."),
    ("Tables", "No time limit on borrowing; return when done."),
    ("Offered: sewing machine", "For the repair café on Saturdays."),
]


@pytest.mark.parametrize(("title", "description", "quoted"), ADVERTS)
def test_an_advert_is_held_with_a_reason_quoting_it(
    title: str, description: str, quoted: str
) -> None:
    # when
    reason = promotion_reason(title, description)
    # then
    assert reason is not None, f"{title!r} / {description!r} passed"
    assert f"“{quoted}”" in reason, reason


@pytest.mark.parametrize(("title", "description"), SHARING)
def test_sharing_language_passes(title: str, description: str) -> None:
    assert promotion_reason(title, description) is None


def test_the_table_has_enough_cases_both_ways() -> None:
    assert len(ADVERTS) >= 30 and len(SHARING) >= 30


def test_the_reason_says_why_in_words_a_member_reads() -> None:
    assert promotion_reason("Desk £20", "") == (
        "It names a price in money (“£20”): listings are free or priced in credits."
    )
    assert promotion_reason("Oak desk", "Visit www.example.com") == (
        "It links to a website (“www.example.com”): share the item here, not a shop or"
        " another site."
    )
